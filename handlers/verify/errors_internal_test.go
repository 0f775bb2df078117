package verify

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestAnswerFor: the table from the domain's errors to Twilio's answers.
func TestAnswerFor(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	a := &API{now: func() time.Time { return now }}
	r := httptest.NewRequest(http.MethodGet, "/v2/Services/VA1", nil)
	for _, tt := range []struct {
		name         string
		err          error
		status, code int
		msg          string
	}{
		{"an answer as it is", invalidParam("To"), 400, 60200, "Invalid parameter: To"},
		{"bad credentials", phonegate.ErrAPIAuth, 401, 20003, "Authenticate"},
		{"a domain refusal in words", phonegate.ParamError("CodeLength"), 400, 60200, "Invalid parameter: CodeLength"},
		{"not found", phonegate.ErrNotFound, 404, 20404, "The requested resource /v2/Services/VA1 was not found"},
		{"a limit", &phonegate.LimitedError{Key: "k", RetryAt: now.Add(90 * time.Second)}, 429, 20429, "Too Many Requests"},
		{"a fault keeps its words to the log", errors.New("disk on fire"), 503, 20503, "Service Unavailable"},
		{"a code no row names", &phonegate.Error{Code: "odd", Message: "odd words"}, 503, 20503, "Service Unavailable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := a.answerFor(r, tt.err)
			if _, limit := tt.err.(*phonegate.LimitedError); limit && got.RetryAfter != 90*time.Second {
				t.Errorf("RetryAfter = %v, want 1m30s", got.RetryAfter)
			}
			if got.Status != tt.status || got.Code != tt.code || got.Message != tt.msg {
				t.Errorf("answerFor = %d %d %q, want %d %d %q", got.Status, got.Code, got.Message, tt.status, tt.code, tt.msg)
			}
		})
	}
}
