package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
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
		return s.withNext(stepVerify, r), nil
	}
	return "/account", nil
}

// phoneData builds the phone page, filled in with what the user typed
// when a refused POST /phone flashed it back (post, redirect, get).
func (s *Server) phoneData(r *http.Request) *phonePage {
	a := authFrom(r)
	typed := r.PostForm
	if n, ok := s.flashed(r); ok && n.Form == phoneFormName {
		typed = n.Fields
	}
	p := &phonePage{
		page:      page{Title: "Verify your phone"},
		Next:      s.nextPath(r),
		Countries: s.countryOptions(typed.Get("country")),
		Number:    strings.TrimSpace(typed.Get("phone")),
		Channel:   a.user.PreferredChannel,
		Again:     a.user.Phone != "",
	}
	if c := typed.Get("channel"); c == phonegate.ChannelSMS || c == phonegate.ChannelCall {
		p.Channel = c
	}
	return p
}

// phoneFormName names the phone page's form in its flash.
const phoneFormName = "phone"

// backToPhone answers a refused POST /phone: 303 to the phone page, which
// shows msg and the form as the user filled it in.
func (s *Server) backToPhone(w http.ResponseWriter, r *http.Request, msg string) error {
	kept := url.Values{}
	for _, k := range []string{"country", "phone", "channel"} {
		if v := r.PostFormValue(k); v != "" {
			kept.Set(k, truncate(v, 100))
		}
	}
	s.flashForm(w, r, flashError, msg, phoneFormName, kept)
	http.Redirect(w, r, s.withNext(stepPhone, r), http.StatusSeeOther)
	return nil
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
// used the emergency code or typed the recovery code). Every answer is a
// redirect: to the code page, or back to the phone page with the refusal
// and what was typed (post, redirect, get).
func (s *Server) enroll(w http.ResponseWriter, r *http.Request) error {
	if dest, err := s.enrollGuard(r); err != nil || dest != "" {
		if err == nil {
			http.Redirect(w, r, dest, http.StatusSeeOther)
		}
		return err
	}
	if refused, err := s.reenrollRefused(r); err != nil || refused {
		if err == nil {
			// The phone page says why this session may not enroll.
			http.Redirect(w, r, s.withNext(stepPhone, r), http.StatusSeeOther)
		}
		return err
	}
	return s.startEnrollment(w, r, func(status int, msg string) error { return s.backToPhone(w, r, msg) })
}

// changePhone starts the verification of a new phone from the account
// page, after the password. The old phone stays until the new one's code
// is typed; then the old phone's trusted computers are forgotten.
func (s *Server) changePhone(w http.ResponseWriter, r *http.Request) error {
	fail := func(_ int, msg string) error {
		return s.formError(w, r, "/account", formPhone, msg, url.Values{"country": {r.PostFormValue("country")},
			"phone": {strings.TrimSpace(r.PostFormValue("phone"))}, "channel": {r.PostFormValue("channel")}})
	}
	if ok, err := s.recheckPassword(r, r.PostFormValue("password")); err != nil {
		return err
	} else if !ok {
		return fail(http.StatusUnauthorized, msgWrongPassword)
	}
	return s.startEnrollment(w, r, fail)
}

// startEnrollment reads the country, number and channel of the form and
// has the service start the enrollment (phonegate.Service.StartEnrollment).
// A refusal shows the form again with its message (fail), with the other
// channel preselected when the one chosen cannot carry the code.
func (s *Server) startEnrollment(w http.ResponseWriter, r *http.Request, fail func(status int, msg string) error) error {
	a := authFrom(r)
	channel := r.PostFormValue("channel")
	c, d, err := s.svc.StartEnrollment(r.Context(), a.user, a.sess, s.trustToken(r), phonegate.Enrollment{
		Number: r.PostFormValue("phone"), Country: r.PostFormValue("country"), Channel: channel, ClientAddr: s.sendAddr(r)})
	if d.ID == "" && err != nil {
		var ue *phonegate.Error
		if !errors.As(err, &ue) {
			return err
		}
		if errors.Is(err, phonegate.ErrPhoneNotForSMS) {
			r.PostForm.Set("channel", phonegate.ChannelCall) // offer the call, preselected
		}
		if le, ok := errors.AsType[*phonegate.SendLimitError](err); ok && le.Reason == phonegate.LimitDaily {
			// The channel's cap of the day is reached: offer the other, preselected.
			other := phonegate.ChannelCall
			if channel == phonegate.ChannelCall {
				other = phonegate.ChannelSMS
			}
			r.PostForm.Set("channel", other)
		}
		return fail(httpx.ErrorStatus(ue), ue.Message)
	}
	return s.toVerify(w, r, c, err)
}

// reenrollRefused reports whether the phone page is refused to this
// session (reenrollRefusal says why on the page).
func (s *Server) reenrollRefused(r *http.Request) (bool, error) {
	a := authFrom(r)
	_, refused, err := s.svc.ReenrollRefusal(r.Context(), a.user, a.sess)
	return refused, err
}
