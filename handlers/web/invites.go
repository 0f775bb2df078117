package web

import (
	"errors"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/phonegate/phonegate"
)

type invitePage struct {
	page
	Token string
	Email string
}

func inviteToken(r *http.Request) string {
	return httprouter.ParamsFromContext(r.Context()).ByName("token")
}

func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) error {
	token := inviteToken(r)
	in, err := s.svc.Invite(r.Context(), token)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "invite", &invitePage{page: page{Title: "Join phonegate"}, Token: token, Email: in.Email})
	return nil
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) error {
	token := inviteToken(r)
	u, err := s.svc.AcceptInvite(r.Context(), token, r.PostFormValue("password"))
	if e, ok := errors.AsType[*phonegate.Error](err); ok && e.Code == phonegate.EInvalid {
		return s.formError(w, r, "/invite/"+token, "", e.Message, nil)
	}
	if err != nil {
		return err
	}
	if _, err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.rememberDevice(w, r, u.ID)
	return s.done(w, r, "/", "Welcome: your account is ready.")
}
