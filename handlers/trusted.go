package handlers

import (
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
)

// trustCookieAge is how long the browser keeps a trusted-computer cookie.
// The server decides what the record is worth (phonegate.Level.Covered):
// the cookie only has to outlive the longest trust, once per computer.
const trustCookieAge = phonegate.TrustPerComputer

// trustRecord is what a trusted-computer cookie proves for the logged-in user.
type trustRecord struct {
	CreatedAt time.Time
	LastMFAAt time.Time
}

// trustCookie is the trusted-computer cookie's name: with the __Host-
// prefix when the site is https, so that no other host or path can set it.
func (s *Server) trustCookie() string {
	if s.secure {
		return "__Host-phonegate_trust"
	}
	return "phonegate_trust"
}

// trustedComputer returns the trusted-computer record the request's cookie
// names, if it belongs to the logged-in user; a zero record if not, so that
// user A's cookie does nothing for user B.
func (s *Server) trustedComputer(r *http.Request) (trustRecord, error) {
	a := authFrom(r)
	c, err := r.Cookie(s.trustCookie())
	if err != nil || c.Value == "" || a.user.ID == 0 {
		return trustRecord{}, nil
	}
	tc, err := s.db.TrustedComputer(r.Context(), phonegate.HashToken(c.Value), a.user.ID)
	if errors.Is(err, phonegate.ErrNotFound) {
		return trustRecord{}, nil
	}
	if err != nil {
		return trustRecord{}, err
	}
	return trustRecord{CreatedAt: tc.CreatedAt, LastMFAAt: tc.LastMFAAt}, nil
}

// trustThisComputer records that the user just passed the code on this
// computer: the record its cookie names is refreshed if it is the user's;
// otherwise a new token is made and set. A revoked token is never brought
// back: a copy of it elsewhere stays worthless.
func (s *Server) trustThisComputer(w http.ResponseWriter, r *http.Request, now time.Time) error {
	a := authFrom(r)
	if c, err := r.Cookie(s.trustCookie()); err == nil && c.Value != "" {
		ok, err := s.db.RefreshTrustedComputer(r.Context(), phonegate.HashToken(c.Value), a.user.ID, now)
		if err != nil || ok {
			return err
		}
	}
	token := phonegate.NewToken()
	err := s.db.AddTrustedComputer(r.Context(), phonegate.TrustedComputer{
		TokenHash: phonegate.HashToken(token),
		UserID:    a.user.ID,
		UserAgent: truncate(r.UserAgent(), 200),
		CreatedAt: now,
		LastMFAAt: now,
	})
	if err != nil {
		return err
	}
	s.setCookie(w, s.trustCookie(), token, trustCookieAge)
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
	tcs, err := s.db.TrustedComputers(r.Context(), a.user.ID)
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
	err = s.db.ForgetComputer(r.Context(), a.user.ID, id, s.now())
	if errors.Is(err, phonegate.ErrNotFound) {
		return s.accountError(w, r, "", msgUnknownComputer)
	}
	if err != nil {
		return err
	}
	return s.done(w, r, "/account", "The computer was forgotten: it will be asked for a code next time.")
}
