package verify

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// maxForm bounds a request's form-encoded body: Verify's parameters are
// short, and a bigger body is no app's.
const maxForm = 64 << 10

// parseForm reads r's parameters, the form-encoded body (at most maxForm
// bytes) and the query, as Twilio takes them; a body it cannot read is
// 60200.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeInvalidParameter, Message: "Request body too large"}
		}
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidParameter, Message: "Invalid parameter: the body is not form-encoded"}
	}
	return nil
}

// formString is the parameter name of r (parsed by parseForm) and
// whether it was sent at all.
func formString(r *http.Request, name string) (string, bool) {
	vs, ok := r.Form[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// formInt is the integer parameter name of r: 0, false when it was not
// sent; 60200 when it is not an integer.
func formInt(r *http.Request, name string) (int, bool, error) {
	s, ok := formString(r, name)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, true, invalidParam(name)
	}
	return n, true, nil
}

// formBool is the boolean parameter name of r ("true" or "false", as
// Twilio's helpers send them): false, false when it was not sent; 60200
// when it is neither.
func formBool(r *http.Request, name string) (bool, bool, error) {
	s, ok := formString(r, name)
	if !ok {
		return false, false, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, true, invalidParam(name)
	}
	return b, true, nil
}
