package web

import (
	"bytes"
	"encoding/hex"
	"net/http"

	"github.com/phonegate/phonegate"
)

type accountPage struct {
	page
	User      phonegate.User
	Masked    string
	Sessions  []sessionRow
	Trusted   []trustedRow
	Countries []countryOption
	Channel   string // the channel preselected for a new phone
	Number    string // the number typed in the change-phone form that failed
	Factors   []factorRow
	// Passkeys says whether passkeys can be added here: the server is
	// reached by a name (phonegate.Service.PasskeysOn).
	Passkeys bool
	// HasApp says a confirmed authenticator app is listed: no other may be
	// added.
	HasApp bool
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
	// The change-phone form, when it failed, comes back as it was typed.
	typed := s.typed(r)
	p.Countries = s.countryOptions(typed.Get("country"))
	p.Channel = a.user.PreferredChannel
	if c := typed.Get("channel"); c == phonegate.ChannelSMS || c == phonegate.ChannelCall {
		p.Channel = c
	}
	p.Number = typed.Get("phone")
	var err error
	if p.Factors, err = s.factorRows(r); err != nil {
		return err
	}
	p.Passkeys = s.svc.PasskeysOn()
	for _, f := range p.Factors {
		p.HasApp = p.HasApp || (f.App && f.Confirmed)
	}
	if p.Trusted, err = s.trustedRows(r); err != nil {
		return err
	}
	ss, err := s.svc.AccountSessions(r.Context(), a.user, a.sess)
	if err != nil {
		return err
	}
	for _, x := range ss {
		p.Sessions = append(p.Sessions, sessionRow{
			ID:        hex.EncodeToString(x.TokenHash),
			UserAgent: x.UserAgent,
			Created:   when(x.CreatedAt),
			LastSeen:  when(x.LastSeenAt),
			Current:   x.Current,
		})
	}
	return nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	p := &accountPage{}
	if err := s.accountData(r, p); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account", p)
	return nil
}

// The forms of the account page, by the name its template shows their
// errors under (page.FormError).
const (
	formPassword  = "password"
	formPhone     = "phone"
	formEmergency = "emergency"
)

// accountError sends the user back to the account page with msg beside
// the form named form.
func (s *Server) accountError(w http.ResponseWriter, r *http.Request, form, msg string) error {
	return s.formError(w, r, "/account", form, msg, nil)
}

// changePassword sets a new password after the current one. A wrong
// current password counts toward the limit of failed logins, as at login:
// this form must not be a way around it.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	if ok, err := s.recheckPassword(r, r.PostFormValue("current_password")); err != nil {
		return err
	} else if !ok {
		return s.accountError(w, r, formPassword, msgWrongPassword)
	}
	err := s.svc.ChangePassword(r.Context(), a.user, a.sess, r.PostFormValue("new_password"))
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.accountError(w, r, formPassword, msg)
	}
	if err != nil {
		return err
	}
	if err := s.renewSession(w, r, a.sess.MFAAt); err != nil {
		return err
	}
	return s.done(w, r, "/account", "Your password was changed. Your other sessions and trusted computers were signed out.")
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	id, err := hex.DecodeString(r.PostFormValue("session"))
	if err != nil {
		return s.accountError(w, r, "", phonegate.MsgUnknownSession)
	}
	err = s.svc.EndSession(r.Context(), a.user, id)
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.accountError(w, r, "", msg)
	}
	if err != nil {
		return err
	}
	if bytes.Equal(id, a.sess.TokenHash) {
		s.flash(w, r, flashSuccess, "Logged out: this session was ended.")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	return s.done(w, r, "/account", "The session was ended.")
}

// revokeOtherSessions ends every session of the user but this one, after
// the password: a stolen session cookie must not be able to throw the
// owner out. A wrong password counts toward the limit of failed logins,
// as at login.
func (s *Server) revokeOtherSessions(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	if ok, err := s.recheckPassword(r, r.PostFormValue("password")); err != nil {
		return err
	} else if !ok {
		return s.accountError(w, r, formOthers, msgWrongPassword)
	}
	done, err := s.svc.LogOutOthers(r.Context(), a.user, a.sess)
	if err != nil {
		return err
	}
	return s.done(w, r, "/account", done)
}

// formOthers names the account page's "Log out all other sessions" form.
const formOthers = "others"
