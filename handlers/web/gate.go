package web

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// Where the gate sends a session that lacks something.
const (
	stepPhone     = "/phone"      // verify a phone first
	stepEmergency = "/phone/done" // see the new emergency code, once
	stepVerify    = "/verify"     // pass the code
)

// stepPaths are the pages of the gate's steps.
var stepPaths = map[phonegate.Step]string{
	phonegate.StepPhone:     stepPhone,
	phonegate.StepEmergency: stepEmergency,
	phonegate.StepVerify:    stepVerify,
}

// gateResult is what the gate learned about a session, with its step as
// the page to go to.
type gateResult struct {
	step    string // "", stepPhone, stepEmergency or stepVerify
	project phonegate.Project
}

// gate asks the service what the request's session must do before
// reaching any full route (phonegate.Service.Gate), with the computer's
// trust cookie.
func (s *Server) gate(r *http.Request) (gateResult, error) {
	a := authFrom(r)
	g, err := s.svc.Gate(r.Context(), a.user, a.sess, s.trustToken(r))
	if err != nil {
		return gateResult{}, err
	}
	return gateResult{step: stepPaths[g.Step], project: g.Project}, nil
}

// secondFactorStep returns where a logged-in user must go before reaching
// any full route: "/phone" to verify a phone, "/phone/done" to see a new
// emergency code, "/verify" for a code, or "" when every project they
// belong to and accepted is satisfied by this session. A page asked for by GET is
// remembered, so that the user lands there once the step is done.
func (s *Server) secondFactorStep(r *http.Request) (string, error) {
	g, err := s.gate(r)
	if err != nil || g.step == "" {
		return "", err
	}
	if g.step != stepEmergency && r.Method == http.MethodGet && r.URL.Path != "/" {
		return g.step + "?next=" + urlQueryEscape(r.URL.RequestURI()), nil
	}
	return g.step, nil
}
