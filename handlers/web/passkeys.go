package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// Passkeys take two requests each, made by passkey.js: the options of a
// ceremony (JSON, which the browser's navigator.credentials needs), then
// the browser's answer as the "credential" field of the page's own form,
// which answers as every form does (a redirect, a flash).

// formPasskey is the account page's form that adds a passkey.
const formPasskey = "passkey"

// maxCredentialBytes bounds the browser's answer: a few hundred bytes of
// JSON for a passkey, a few kilobytes with an attestation certificate.
const maxCredentialBytes = 16 << 10

// optionsAnswer is the JSON of an options request that was refused: the
// words to show beside the form, or a reload of the page (the lock holds:
// the page says so).
type optionsAnswer struct {
	Error  string `json:"error,omitempty"`
	Reload bool   `json:"reload,omitempty"`
}

// writeOptions answers an options request: the ceremony's options, or
// the refusal err in words. A fault of the server is returned as an error.
func writeOptions(w http.ResponseWriter, r *http.Request, options []byte, err error) error {
	status, answer := http.StatusOK, optionsAnswer{}
	switch {
	case phonegate.ErrorMessage(err) != "":
		status, answer.Error = httpx.ErrorStatus(err), phonegate.ErrorMessage(err)
	case errors.Is(err, phonegate.ErrCodeRefused):
		status, answer.Reload = http.StatusTooManyRequests, true
	case err != nil:
		return err
	}
	if status != http.StatusOK {
		failedAttempt(r)
		options, _ = json.Marshal(answer)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(options)
	return nil
}

// credentialOf returns the browser's answer that the form carries.
func credentialOf(r *http.Request) []byte {
	c := r.PostFormValue("credential")
	if len(c) > maxCredentialBytes {
		return nil
	}
	return []byte(c)
}

// passkeyOptions starts adding a passkey, after the password again: the
// options for navigator.credentials.create, for the name typed.
func (s *Server) passkeyOptions(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	ok, err := s.recheckPassword(r, r.PostFormValue("password"))
	if err != nil {
		return err
	}
	if !ok {
		return writeOptions(w, r, nil, &phonegate.Error{Code: phonegate.EInvalid, Message: msgWrongPassword})
	}
	options, err := s.svc.BeginPasskey(r.Context(), a.user, a.sess, r.PostFormValue("name"))
	return writeOptions(w, r, options, err)
}

// addPasskey adds the passkey the browser made for this session's
// registration (passkeyOptions).
func (s *Server) addPasskey(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	f, err := s.svc.FinishPasskey(r.Context(), a.user, a.sess, credentialOf(r))
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.accountError(w, r, formPasskey, msg)
	}
	if err != nil {
		return err
	}
	return s.done(w, r, "/account", "The passkey “"+f.Name+"” was added: at login, you may use it instead of a code sent to your phone.")
}

// verifyPasskeyOptions starts a login by passkey: the options for
// navigator.credentials.get. Nothing counts toward the lock yet.
func (s *Server) verifyPasskeyOptions(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	options, err := s.svc.BeginPasskeyLogin(r.Context(), a.user, a.sess)
	return writeOptions(w, r, options, err)
}

// verifyPasskey accepts the browser's answer with one of the user's
// passkeys in place of a code sent to the phone
// (phonegate.Service.UsePasskey), as verifyApp does a code of the app.
func (s *Server) verifyPasskey(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	p, err := s.svc.UsePasskey(r.Context(), a.user, a.sess, s.trustToken(r), credentialOf(r))
	return s.passedFactor(w, r, p, err)
}
