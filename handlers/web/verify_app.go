package web

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
)

// appChoice is what the code page offers of the user's authenticator app.
type appChoice struct {
	App   bool // the user has a confirmed app: its code box is shown
	First bool // it comes before the SMS and the call: the last factor the user set up or used
}

// appChoiceOf reads the app's part of the code page for challenge c: a
// login only (verifying a new phone takes the code sent to it), and not
// while the lock holds.
func (s *Server) appChoiceOf(r *http.Request, c phonegate.Challenge, st codeState) (appChoice, error) {
	if c.Purpose == phonegate.PurposeEnroll || st.Kind == codeLocked {
		return appChoice{}, nil
	}
	has, preferred, err := s.svc.HasTOTP(r.Context(), authFrom(r).user)
	return appChoice{App: has, First: preferred}, err
}

// verifyApp accepts the code of the user's authenticator app in place of
// a code sent to the phone (phonegate.Service.UseTOTP): the session is
// renewed with the second factor passed now and the computer trusted
// where a project's level allows, as after a code. A refusal goes back to
// the code page, whose state shows the lock when it holds.
func (s *Server) verifyApp(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	p, err := s.svc.UseTOTP(r.Context(), a.user, a.sess, s.trustToken(r), r.PostFormValue("app_code"))
	if errors.Is(err, phonegate.ErrCodeRefused) || phonegate.ErrorCode(err) == phonegate.EInvalid {
		return s.backToVerify(w, r, phonegate.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	if err := s.renewSession(w, r, s.now()); err != nil {
		return err
	}
	a.user = p.User
	if p.Trust {
		if err := s.trustThisComputer(w, r); err != nil {
			return err
		}
	}
	http.Redirect(w, r, s.nextPath(r), http.StatusSeeOther)
	return nil
}
