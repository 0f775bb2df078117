package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestOutcomeMasksTheDeliverysNumber: the audit event of a final status
// names the delivery's own number, masked, whatever number the callback's
// To field names (the mask made from To before the write is used only
// when the two agree).
func TestOutcomeMasksTheDeliverysNumber(t *testing.T) {
	for _, to := range []string{whPhone, "+447911123456", ""} {
		t.Run("To="+to, func(t *testing.T) {
			h := newWebhookHarness(t)
			d := h.send(h.challenge(whPhone, ""), "sms")
			if res, _ := h.twilio("/twilio/sms/status?d="+d.ID, whForm(t, "sms-status-delivered", "To", to)); res.StatusCode != http.StatusNoContent {
				t.Fatalf("status %d, want 204", res.StatusCode)
			}
			es, err := h.db.AuditEvents(context.Background(), h.project.ID, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			want := "text message to " + phonegate.MaskPhone(whPhone) + ": "
			for _, e := range es {
				if e.Kind == "code.delivered" {
					if !strings.HasPrefix(e.Detail, want) {
						t.Errorf("detail = %q, want it to start %q", e.Detail, want)
					}
					return
				}
			}
			t.Errorf("no code.delivered event among %d", len(es))
		})
	}
}
