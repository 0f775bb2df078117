package handlers

import (
	"bytes"
	"encoding/hex"
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
)

type accountPage struct {
	page
	User      store.User
	Masked    string
	Sessions  []sessionRow
	Trusted   []trustedRow
	Countries []countryOption
	Channel   string // the channel preselected for a new phone
	PhoneForm bool   // the change-phone form is open, to show its error
	Number    string // the number typed in the change-phone form
}

type sessionRow struct {
	ID        string // hex of the token hash: names the session without revealing the token
	UserAgent string
	Created   string
	LastSeen  string
	Current   bool
}

func (s *Server) accountData(r *http.Request, p *accountPage) error {
	a := authFrom(r)
	p.Title = "Account security"
	p.User = a.user
	if a.user.Phone != "" {
		p.Masked = phonegate.MaskPhone(a.user.Phone)
	}
	p.Countries = s.countryOptions(r.PostFormValue("country"))
	p.Channel = a.user.PreferredChannel
	if c := r.PostFormValue("channel"); c == store.ChannelSMS || c == store.ChannelCall {
		p.Channel = c
	}
	var err error
	if p.Trusted, err = s.trustedRows(r); err != nil {
		return err
	}
	ss, err := s.db.UserSessions(r.Context(), a.user.ID)
	if err != nil {
		return err
	}
	for _, x := range ss {
		p.Sessions = append(p.Sessions, sessionRow{
			ID:        hex.EncodeToString(x.TokenHash),
			UserAgent: x.UserAgent,
			Created:   when(x.CreatedAt),
			LastSeen:  when(x.LastSeenAt),
			Current:   bytes.Equal(x.TokenHash, a.sess.TokenHash),
		})
	}
	return nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	p := &accountPage{}
	if err := s.accountData(r, p); err != nil {
		return err
	}
	p.Flash = accountFlash(r)
	s.render(w, r, http.StatusOK, "account", p)
	return nil
}

// flashMessages are the confirmations a redirect may ask a page to show.
var flashMessages = map[string]string{
	"password": "Your password was changed. Your other sessions and trusted computers were signed out.",
	"session":  "The session was ended.",
	"trusted":  "The computer was forgotten: it will be asked for a code next time.",
}

func (s *Server) accountError(w http.ResponseWriter, r *http.Request, msg string) error {
	return s.accountFail(w, r, http.StatusBadRequest, msg)
}

// accountFail shows the account page again with msg and status.
func (s *Server) accountFail(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	p := &accountPage{}
	if err := s.accountData(r, p); err != nil {
		return err
	}
	p.Error = msg
	s.render(w, r, status, "account", p)
	return nil
}

// changePassword sets a new password after the current one. A wrong
// current password counts toward the limit of failed logins, as at login:
// this form must not be a way around it.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	if ok, err := s.recheckPassword(r, r.PostFormValue("current_password")); err != nil {
		return err
	} else if !ok {
		return s.accountFail(w, r, http.StatusUnauthorized, msgWrongPassword)
	}
	next := r.PostFormValue("new_password")
	if msg := newPasswordProblem(next, a.user.Email); msg != "" {
		return s.accountError(w, r, "The new password was not accepted. "+msg)
	}
	hash, err := s.hashPassword(r.Context(), next)
	if err != nil {
		return err
	}
	if err := s.db.ChangePassword(r.Context(), a.user.ID, hash, a.sess.TokenHash); err != nil {
		return err
	}
	if err := s.db.AddUserAudit(r.Context(), store.AuditEvent{UserID: a.user.ID, ActorID: a.user.ID,
		Kind: "password.changed", At: s.now()}); err != nil {
		return err
	}
	s.notifyPasswordChanged(r.Context(), a.user)
	if err := s.renewSession(w, r, a.sess.MFAAt); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
	return nil
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	id, err := hex.DecodeString(r.PostFormValue("session"))
	if err != nil {
		return badRequest("That session is not known.")
	}
	ss, err := s.db.UserSessions(r.Context(), a.user.ID)
	if err != nil {
		return err
	}
	for _, x := range ss {
		if bytes.Equal(x.TokenHash, id) {
			if err := s.db.DeleteSession(r.Context(), id); err != nil {
				return err
			}
			if bytes.Equal(id, a.sess.TokenHash) {
				s.clearCookie(w, s.cookie)
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return nil
			}
			http.Redirect(w, r, "/account?done=session", http.StatusSeeOther)
			return nil
		}
	}
	return badRequest("That session is not known.")
}
