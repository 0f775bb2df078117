package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	verify "github.com/twilio/twilio-go/rest/verify/v2"
)

// TestVerifyAPIServices drives the Services routes with twilio-go's
// client: create (default and chosen code length), fetch, update, delete.
func TestVerifyAPIServices(t *testing.T) {
	v := newVerifyAPI(t)
	c := v.client.VerifyV2
	created, err := c.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo Login"))
	if err != nil {
		t.Fatal(err)
	}
	sid := *created.Sid
	if !strings.HasPrefix(sid, "VA") || len(sid) != 34 {
		t.Errorf("sid = %q, want VA and 32 hex digits", sid)
	}
	if created.CodeLength != 6 || *created.FriendlyName != "Apollo Login" {
		t.Errorf("created = %d %q, want code length 6 and the name", created.CodeLength, *created.FriendlyName)
	}
	if created.AccountSid == nil || !strings.HasPrefix(*created.AccountSid, "AC") || *created.AccountSid != v.key.AccountSID {
		t.Errorf("account_sid = %v, want the project's %s", created.AccountSid, v.key.AccountSID)
	}
	if created.DateCreated == nil || !created.DateCreated.Equal(testStart) {
		t.Errorf("date_created = %v, want %v", created.DateCreated, testStart)
	}
	wantURL := "http://127.0.0.1:8080/v2/Services/" + sid
	if created.Url == nil || *created.Url != wantURL {
		t.Errorf("url = %v, want %s", created.Url, wantURL)
	}
	links := *created.Links
	if links["verifications"] != wantURL+"/Verifications" || links["verification_checks"] != wantURL+"/VerificationCheck" {
		t.Errorf("links = %v", links)
	}
	if created.LookupEnabled == nil || *created.LookupEnabled || created.DtmfInputRequired == nil || !*created.DtmfInputRequired {
		t.Errorf("lookup_enabled = %v, dtmf_input_required = %v; want false and true", created.LookupEnabled, created.DtmfInputRequired)
	}

	eight, err := c.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Gemini").SetCodeLength(8))
	if err != nil || eight.CodeLength != 8 {
		t.Fatalf("create with CodeLength 8 = %+v, %v", eight, err)
	}

	got, err := c.FetchService(sid)
	if err != nil || *got.Sid != sid || *got.FriendlyName != "Apollo Login" {
		t.Fatalf("fetch = %+v, %v", got, err)
	}

	v.clock.Add(time.Hour)
	upd, err := c.UpdateService(sid, new(verify.UpdateServiceParams).SetFriendlyName("Apollo").SetCodeLength(4))
	if err != nil {
		t.Fatal(err)
	}
	if *upd.FriendlyName != "Apollo" || upd.CodeLength != 4 || !upd.DateUpdated.Equal(testStart.Add(time.Hour)) ||
		!upd.DateCreated.Equal(testStart) {
		t.Errorf("updated = %q %d created %v updated %v", *upd.FriendlyName, upd.CodeLength, upd.DateCreated, upd.DateUpdated)
	}
	if got, _ := c.FetchService(sid); *got.FriendlyName != "Apollo" || got.CodeLength != 4 {
		t.Errorf("fetch after update = %q %d, want Apollo 4", *got.FriendlyName, got.CodeLength)
	}

	if err := c.DeleteService(sid); err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchService(sid)
	wantRestError(t, err, http.StatusNotFound, 20404)
	wantRestError(t, c.DeleteService(sid), http.StatusNotFound, 20404)
}

// TestVerifyAPIServiceErrors: Twilio's errors for bad parameters and for
// services that are not the key's project's.
func TestVerifyAPIServiceErrors(t *testing.T) {
	v := newVerifyAPI(t)
	c := v.client.VerifyV2
	tests := []struct {
		name   string
		params *verify.CreateServiceParams
	}{
		{"code length 3", new(verify.CreateServiceParams).SetFriendlyName("App").SetCodeLength(3)},
		{"code length 11", new(verify.CreateServiceParams).SetFriendlyName("App").SetCodeLength(11)},
		{"code length 0", new(verify.CreateServiceParams).SetFriendlyName("App").SetCodeLength(0)},
		{"no friendly name", new(verify.CreateServiceParams)},
		{"empty friendly name", new(verify.CreateServiceParams).SetFriendlyName("  ")},
		{"friendly name of 31", new(verify.CreateServiceParams).SetFriendlyName(strings.Repeat("a", 31))},
		{"a link in the name", new(verify.CreateServiceParams).SetFriendlyName("evil.example.com")},
		{"a number in the name", new(verify.CreateServiceParams).SetFriendlyName("Call 555 0100")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateService(tt.params)
			wantRestError(t, err, http.StatusBadRequest, 60200)
		})
	}
	if re := restError(t, func() error {
		_, err := c.CreateService(new(verify.CreateServiceParams).SetFriendlyName("App").SetCodeLength(3))
		return err
	}()); re.Message != "Invalid parameter: CodeLength" {
		t.Errorf("message = %q, want Invalid parameter: CodeLength", re.Message)
	}
	if list, err := c.ListService(nil); err != nil || len(list) != 0 {
		t.Errorf("after refusals, services = %d, %v; want none", len(list), err)
	}

	s, err := c.CreateService(new(verify.CreateServiceParams).SetFriendlyName("App"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateService(*s.Sid, new(verify.UpdateServiceParams).SetCodeLength(12))
	wantRestError(t, err, http.StatusBadRequest, 60200)
	if got, _ := c.FetchService(*s.Sid); got.CodeLength != 6 {
		t.Errorf("a refused update changed the code length to %d", got.CodeLength)
	}

	// Another project's key sees none of this project's services.
	eve, other := v.addUser("eve@example.com", goodPassword, "Gemini")
	ek := v.newKey(eve, other, "eve's")
	oc := v.twilioClient(ek.SID, ek.Secret).VerifyV2
	_, err = oc.FetchService(*s.Sid)
	wantRestError(t, err, http.StatusNotFound, 20404)
	_, err = oc.UpdateService(*s.Sid, new(verify.UpdateServiceParams).SetFriendlyName("Taken"))
	wantRestError(t, err, http.StatusNotFound, 20404)
	wantRestError(t, oc.DeleteService(*s.Sid), http.StatusNotFound, 20404)
	if list, err := oc.ListService(nil); err != nil || len(list) != 0 {
		t.Errorf("the other project lists %d services, %v; want none", len(list), err)
	}
	if got, err := c.FetchService(*s.Sid); err != nil || *got.FriendlyName != "App" {
		t.Errorf("after the other project's tries: %+v, %v", got, err)
	}
	_, err = c.FetchService("VA00000000000000000000000000000000")
	wantRestError(t, err, http.StatusNotFound, 20404)
	_, err = c.FetchService("not-a-sid")
	wantRestError(t, err, http.StatusNotFound, 20404)
}

// TestVerifyAPIServicePaging lists 7 services in pages of 3 with
// twilio-go, which follows meta.next_page_url across the 3 pages.
func TestVerifyAPIServicePaging(t *testing.T) {
	v := newVerifyAPI(t)
	c := v.client.VerifyV2
	var want []string
	for i := range 7 {
		s, err := c.CreateService(new(verify.CreateServiceParams).SetFriendlyName("App " + string(rune('A'+i))))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, *s.Sid)
		v.clock.Add(time.Second)
	}
	got, err := c.ListService(new(verify.ListServiceParams).SetPageSize(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("listed %d services, want %d", len(got), len(want))
	}
	for i := range want {
		if *got[i].Sid != want[i] {
			t.Errorf("service %d = %s, want %s", i, *got[i].Sid, want[i])
		}
	}

	first, err := c.PageService(new(verify.ListServiceParams).SetPageSize(3), "", "")
	if err != nil {
		t.Fatal(err)
	}
	m := first.Meta
	if m.Page != 0 || m.PageSize != 3 || m.Key != "services" || m.NextPageUrl == nil || m.PreviousPageUrl != nil ||
		!strings.Contains(m.Url, "/v2/Services?") || len(first.Services) != 3 {
		t.Errorf("first page meta = %+v (%d services)", m, len(first.Services))
	}
	last, err := c.PageService(new(verify.ListServiceParams).SetPageSize(3), "", "2")
	if err != nil {
		t.Fatal(err)
	}
	if last.Meta.Page != 2 || last.Meta.NextPageUrl != nil || last.Meta.PreviousPageUrl == nil || len(last.Services) != 1 {
		t.Errorf("last page meta = %+v (%d services)", last.Meta, len(last.Services))
	}
	_, err = c.ListService(new(verify.ListServiceParams).SetPageSize(1001))
	wantRestError(t, err, http.StatusBadRequest, 60200)
}
