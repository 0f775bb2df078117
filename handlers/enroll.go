package handlers

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
)

type phonePage struct {
	page
	Next      string
	Countries []countryOption
	Number    string
	Channel   string
	Again     bool   // the user had a phone: the emergency code was used or 2FA reset
	TurnedOn  string // the user just turned two-factor on for a project: why the phone is asked now
}

// enrollGuard keeps /phone to users without a verified phone. A user who
// has one changes it on the account page, with the password and a session
// that passed the code; a session between the password and the code must
// never be able to swap the phone the code goes to.
func (s *Server) enrollGuard(r *http.Request) (string, error) {
	if !authFrom(r).user.PhoneVerified {
		return "", nil
	}
	g, err := s.gate(r)
	if err != nil {
		return "", err
	}
	if g.step == stepVerify {
		return withNext(stepVerify, r), nil
	}
	return "/account", nil
}

func (s *Server) phoneData(r *http.Request) *phonePage {
	a := authFrom(r)
	p := &phonePage{
		page:      page{Title: "Verify your phone"},
		Next:      nextPath(r),
		Countries: s.countryOptions(r.PostFormValue("country")),
		Number:    strings.TrimSpace(r.PostFormValue("phone")),
		Channel:   a.user.PreferredChannel,
		Again:     a.user.Phone != "",
	}
	if c := r.PostFormValue("channel"); c == store.ChannelSMS || c == store.ChannelCall {
		p.Channel = c
	}
	return p
}

// phoneForm asks for the phone to verify.
func (s *Server) phoneForm(w http.ResponseWriter, r *http.Request) error {
	if dest, err := s.enrollGuard(r); err != nil || dest != "" {
		if err == nil {
			http.Redirect(w, r, dest, http.StatusSeeOther)
		}
		return err
	}
	if done, err := s.reenrollRefusal(w, r, http.StatusForbidden, ""); done || err != nil {
		return err
	}
	p := s.phoneData(r)
	var err error
	if p.TurnedOn, err = s.justTurnedOn(r); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "phone", p)
	return nil
}

// enroll starts the verification of the user's first phone (or of a new
// one after the emergency code or a reset: then only in the session that
// used the emergency code or typed the recovery code).
func (s *Server) enroll(w http.ResponseWriter, r *http.Request) error {
	if dest, err := s.enrollGuard(r); err != nil || dest != "" {
		if err == nil {
			http.Redirect(w, r, dest, http.StatusSeeOther)
		}
		return err
	}
	if done, err := s.reenrollRefusal(w, r, http.StatusForbidden, ""); done || err != nil {
		return err
	}
	return s.startEnrollment(w, r, func(status int, msg string) error {
		p := s.phoneData(r)
		p.Error = msg
		s.render(w, r, status, "phone", p)
		return nil
	})
}

// changePhone starts the verification of a new phone from the account
// page, after the password. The old phone stays until the new one's code
// is typed; then the old phone's trusted computers are forgotten.
func (s *Server) changePhone(w http.ResponseWriter, r *http.Request) error {
	fail := func(status int, msg string) error {
		p := &accountPage{}
		if err := s.accountData(r, p); err != nil {
			return err
		}
		p.Error, p.PhoneForm, p.Number = msg, true, strings.TrimSpace(r.PostFormValue("phone"))
		s.render(w, r, status, "account", p)
		return nil
	}
	if ok, err := s.recheckPassword(r, r.PostFormValue("password")); err != nil {
		return err
	} else if !ok {
		return fail(http.StatusUnauthorized, msgWrongPassword)
	}
	return s.startEnrollment(w, r, fail)
}

// startEnrollment reads the country, number and channel of the form,
// refuses numbers codes must not go to, makes an enrollment challenge and
// sends its code. fail shows the form again with a message.
func (s *Server) startEnrollment(w http.ResponseWriter, r *http.Request, fail func(status int, msg string) error) error {
	a := authFrom(r)
	channel := r.PostFormValue("channel")
	if channel != store.ChannelSMS && channel != store.ChannelCall {
		return fail(http.StatusBadRequest, "Choose how to get the code: a text message or a voice call.")
	}
	ph, err := phonegate.ParsePhone(r.PostFormValue("phone"), r.PostFormValue("country"), s.cfg.AllowedCountries)
	if err != nil {
		return fail(http.StatusBadRequest, enrollMessage(err))
	}
	if channel == store.ChannelSMS && !ph.SMS {
		r.PostForm.Set("channel", store.ChannelCall) // offer the call, preselected
		return fail(http.StatusBadRequest, enrollMessage(phonegate.ErrPhoneNotForSMS))
	}
	if a.user.PhoneVerified && ph.E164 == a.user.Phone {
		return fail(http.StatusBadRequest, "That is already your verified phone.")
	}
	g, err := s.gate(r)
	if err != nil {
		return err
	}
	c, err := s.newChallenge(r, store.PurposeEnroll, ph.E164, g.project.Name)
	if err != nil {
		return err
	}
	return s.sendThenVerify(w, r, c, channel)
}

// enrollMessage turns an error's lower-case text into a enrollMessage for the page.
func enrollMessage(err error) string {
	msg := err.Error()
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
