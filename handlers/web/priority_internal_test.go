package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/teststore"
)

// TestSessionPriorityOnlyWhereASessionIsNeeded replays a flood of wrong
// logins that carry the attacker's own session: on an open route a
// session, which anyone can have for their own account, must not lift the
// request into the authenticated queue of the password hasher. On a route
// that needs the session, its own re-checks keep the priority.
func TestSessionPriorityOnlyWhereASessionIsNeeded(t *testing.T) {
	db := teststore.Open(t)
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, db, func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) },
		phonegate.NewHasher(phonegate.DefaultArgon2), keys)
	tests := []struct {
		name   string
		method string
		path   string
		access access
		want   phonegate.Priority
	}{
		{"login", http.MethodPost, "/login", accessOpen, phonegate.Anonymous},
		{"setup", http.MethodPost, "/setup", accessOpen, phonegate.Anonymous},
		{"invite", http.MethodPost, "/invite/:token", accessOpen, phonegate.Anonymous},
		{"password re-check", http.MethodPost, "/account/password", accessFull, phonegate.Authenticated},
		{"emergency code", http.MethodPost, "/verify/emergency", accessPending, phonegate.Authenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got phonegate.Priority = -1
			h := s.guard(route{method: tt.method, path: tt.path, access: tt.access,
				h: func(w http.ResponseWriter, r *http.Request) error {
					got = phonegate.PriorityOf(r.Context())
					return nil
				}})
			r := httptest.NewRequest(tt.method, tt.path, nil)
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, &authCtx{token: "a session of the attacker's own"}))
			if err := h(httptest.NewRecorder(), r); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("priority with a session = %v, want %v", got, tt.want)
			}
			if tt.access == accessOpen && !s.cfg.Hasher.Admits(s.hashContext(r, false)) {
				t.Errorf("an idle hasher refuses anonymous work")
			}
		})
	}
}
