package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// nodeSteps judges the steps the Node.js app printed.
type nodeSteps struct {
	t                      *testing.T
	steps                  map[string]nodeOutcome
	gate, service, account string
}

// value decodes the value of step into v, failing t when the step is
// missing or answered an error.
func (n nodeSteps) value(t *testing.T, step string, v any) bool {
	t.Helper()
	o, ok := n.steps[step]
	switch {
	case !ok:
		t.Errorf("%s: the app did not run it", step)
	case o.Error != nil:
		t.Errorf("%s: %d %d %q, want no error", step, o.Error.Status, o.Error.Code, o.Error.Message)
	default:
		if err := json.Unmarshal(o.Value, v); err != nil {
			t.Errorf("%s: %s: %v", step, o.Value, err)
			return false
		}
		return true
	}
	return false
}

func (n nodeSteps) checkServices(t *testing.T) {
	var s nodeService
	if n.value(t, "service fetch", &s) {
		if s.SID != n.service || s.AccountSID != n.account || s.FriendlyName != "Apollo" || s.CodeLength != 6 || !s.Dates ||
			s.URL != n.gate+"/v2/Services/"+n.service {
			t.Errorf("service fetch = %+v", s)
		}
	}
	if n.value(t, "service update", &s) && (s.CodeLength != 8 || s.FriendlyName != "Paging one") {
		t.Errorf("service update = %+v, want Paging one with code length 8", s)
	}
	var names []string
	if n.value(t, "service list", &names) && strings.Join(names, ",") != "Apollo,Paging one,Paging two" {
		t.Errorf("service list by pages of 1 = %v, want the three services, oldest first", names)
	}
	var page struct {
		Names []string `json:"names"`
		Next  bool     `json:"next"`
	}
	if n.value(t, "service page", &page) && (strings.Join(page.Names, ",") != "Apollo,Paging one" || !page.Next) {
		t.Errorf("first page of 2 = %+v, want Apollo and Paging one, and a next page", page)
	}
	for _, name := range []string{"Paging one", "Paging two"} {
		var removed bool
		if n.value(t, "service remove "+name, &removed) && !removed {
			t.Errorf("remove %s = false, want true", name)
		}
	}
}

func (n nodeSteps) checkVerifications(t *testing.T, numbers []string) {
	a, b, c, d, e, f := numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]
	tests := []struct {
		step, to, channel, status string
		valid                     bool
		attempts                  int // 0: not judged (a check has none)
		same                      string
	}{
		{"create", a, "sms", "pending", false, 1, ""},
		{"resend", a, "sms", "pending", false, 2, "create"},
		{"switch to call", a, "call", "pending", false, 3, "create"},
		{"wrong code", a, "call", "pending", false, 0, "create"},
		{"fetch", a, "call", "pending", false, 3, "create"},
		{"right code", a, "call", "approved", true, 0, "create"},
		{"create other", b, "sms", "pending", false, 1, ""},
		{"cancel", b, "sms", "canceled", false, 1, "create other"},
		{"send 1", c, "sms", "pending", false, 1, ""},
		{"send 2", c, "call", "pending", false, 2, "send 1"},
		{"send 3", c, "sms", "pending", false, 3, "send 1"},
		{"send 4", c, "call", "pending", false, 4, "send 1"},
		{"send 5", c, "sms", "pending", false, 5, "send 1"},
		{"create maxed", d, "sms", "pending", false, 1, ""},
		{"wrong check 1", d, "sms", "pending", false, 0, "create maxed"},
		{"wrong check 5", d, "sms", "pending", false, 0, "create maxed"},
		{"fetch maxed", d, "sms", "max_attempts_reached", false, 1, "create maxed"},
		{"create raced", e, "sms", "pending", false, 1, ""},
		{"custom name", f, "sms", "pending", false, 1, ""},
	}
	sids := map[string]string{}
	for _, tt := range tests {
		var v nodeVerification
		if !n.value(t, tt.step, &v) {
			continue
		}
		sids[tt.step] = v.SID
		if v.To != tt.to || v.Channel != tt.channel || v.Status != tt.status || v.Valid != tt.valid {
			t.Errorf("%s: to, channel, status, valid = %s, %s, %s, %v; want %s, %s, %s, %v", tt.step,
				v.To, v.Channel, v.Status, v.Valid, tt.to, tt.channel, tt.status, tt.valid)
		}
		if tt.attempts > 0 && v.Attempts != tt.attempts {
			t.Errorf("%s: %d send_code_attempts, want %d", tt.step, v.Attempts, tt.attempts)
		}
		if !strings.HasPrefix(v.SID, "VE") || v.ServiceSID != n.service || v.AccountSID != n.account || !v.Dates {
			t.Errorf("%s: sid, service_sid, account_sid, dates = %s, %s, %s, %v", tt.step, v.SID, v.ServiceSID, v.AccountSID, v.Dates)
		}
		if tt.attempts > 0 && v.URL != n.gate+"/v2/Services/"+n.service+"/Verifications/"+v.SID {
			t.Errorf("%s: url = %s", tt.step, v.URL)
		}
		if tt.same != "" && v.SID != sids[tt.same] {
			t.Errorf("%s: sid %s, want %s's %s", tt.step, v.SID, tt.same, sids[tt.same])
		}
	}
}

func (n nodeSteps) checkErrors(t *testing.T) {
	tests := []struct {
		step         string
		status, code int
	}{
		{"check after approval", http.StatusNotFound, 20404},
		{"check after cancel", http.StatusNotFound, 20404},
		{"cancel again", http.StatusNotFound, 20404},
		{"send 6", http.StatusTooManyRequests, 60203},
		{"right code after 5 wrong", http.StatusTooManyRequests, 60202},
		{"create after max checks", http.StatusTooManyRequests, 60202},
		{"whatsapp", http.StatusBadRequest, 60200},
		{"bad secret", http.StatusUnauthorized, 20003},
		{"service remove again", http.StatusNotFound, 20404},
		{"service fetch unknown", http.StatusNotFound, 20404},
	}
	for _, tt := range tests {
		o, ok := n.steps[tt.step]
		if !ok || o.Error == nil {
			t.Errorf("%s: %s, want %d %d", tt.step, o.Value, tt.status, tt.code)
			continue
		}
		if got := o.Error; got.Status != tt.status || got.Code != tt.code || got.Message == "" ||
			!strings.HasPrefix(got.MoreInfo, "https://www.twilio.com/docs/errors/") {
			t.Errorf("%s: %d %d %q %q, want %d %d with a message and more_info", tt.step,
				got.Status, got.Code, got.Message, got.MoreInfo, tt.status, tt.code)
		}
	}
}
