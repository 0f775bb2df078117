package web

import (
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// trustCookieAge is how long the browser keeps a trusted-computer cookie.
// The server decides what the record is worth (phonegate.Level.Covered):
// the cookie only has to outlive the longest trust, once per computer.
const trustCookieAge = phonegate.TrustPerComputer

// trustCookie is the trusted-computer cookie's name (httpx.TrustCookie).
func (s *Server) trustCookie() string { return httpx.TrustCookie(s.secure, s.domain) }

// setTrustCookie sets the trusted-computer cookie for life (negative:
// deletes it). Like the session cookie it names the cookie domain, if
// any, for the forward-auth check to see it on the apps' hosts.
func (s *Server) setTrustCookie(w http.ResponseWriter, token string, life time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: s.trustCookie(), Value: token, Path: "/", Domain: s.domain,
		MaxAge: maxAge(life), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// trustToken is the trusted-computer token the request's cookie holds, ""
// for none.
func (s *Server) trustToken(r *http.Request) string {
	if c, err := r.Cookie(s.trustCookie()); err == nil {
		return c.Value
	}
	return ""
}

// trustThisComputer records that the user just passed the code on this
// computer (phonegate.Service.TrustComputer), and sets the cookie when a
// new token was made for it.
func (s *Server) trustThisComputer(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	token, err := s.svc.TrustComputer(r.Context(), a.user, s.trustToken(r), truncate(r.UserAgent(), 200))
	if err != nil || token == "" {
		return err
	}
	s.setTrustCookie(w, token, trustCookieAge)
	return nil
}

// trustedRow is a trusted computer as the account page lists it.
type trustedRow struct {
	ID        string // hex of the token hash: names the record without revealing the token
	UserAgent string
	Created   string
	LastCode  string
	Current   bool
}

// trustedRows lists the user's trusted computers for the account page.
func (s *Server) trustedRows(r *http.Request) ([]trustedRow, error) {
	a := authFrom(r)
	tcs, err := s.svc.TrustedComputers(r.Context(), a.user)
	if err != nil {
		return nil, err
	}
	var current string
	if c, err := r.Cookie(s.trustCookie()); err == nil && c.Value != "" {
		current = hex.EncodeToString(phonegate.HashToken(c.Value))
	}
	rows := make([]trustedRow, 0, len(tcs))
	for _, tc := range tcs {
		id := hex.EncodeToString(tc.TokenHash)
		rows = append(rows, trustedRow{ID: id, UserAgent: tc.UserAgent, Created: when(tc.CreatedAt),
			LastCode: when(tc.LastMFAAt), Current: id == current})
	}
	return rows, nil
}

// msgUnknownComputer answers a computer that is not the user's, or was
// forgotten already.
const msgUnknownComputer = "That computer is not known: it may have been forgotten already."

// revokeTrusted forgets one of the user's trusted computers (form field
// "computer"): that computer will be asked for the code again.
func (s *Server) revokeTrusted(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	id, err := hex.DecodeString(r.PostFormValue("computer"))
	if err != nil || len(id) == 0 {
		return s.accountError(w, r, "", msgUnknownComputer)
	}
	err = s.svc.ForgetComputer(r.Context(), a.user, id)
	if errors.Is(err, phonegate.ErrNotFound) {
		return s.accountError(w, r, "", msgUnknownComputer)
	}
	if err != nil {
		return err
	}
	return s.done(w, r, "/account", "The computer was forgotten: it will be asked for a code next time.")
}
