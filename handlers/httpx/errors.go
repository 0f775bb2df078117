package httpx

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// MsgNotFound is the one answer for a missing thing and for a thing that
// exists but is not the user's, so that existence does not leak.
const MsgNotFound = "There is nothing here, or it is not yours to see."

// ErrNotFound is MsgNotFound as an error a handler returns.
var ErrNotFound = &phonegate.Error{Code: phonegate.ENotFound, Message: MsgNotFound}

// MsgInternal answers a fault of the server.
const MsgInternal = "Something went wrong on our side and nothing was changed. Try again in a moment."

// BadRequest is an error of input the user can fix, in words.
func BadRequest(msg string) error { return &phonegate.Error{Code: phonegate.EInvalid, Message: msg} }

// statuses is the one table of HTTP statuses for the error codes of the
// domain (phonegate.ErrorCode). A fault of the server answers 503: nothing
// was changed, and trying again may work.
var statuses = map[string]int{
	phonegate.EInvalid:       http.StatusBadRequest,
	phonegate.ENotFound:      http.StatusNotFound,
	phonegate.EForbidden:     http.StatusForbidden,
	phonegate.EConflict:      http.StatusConflict,
	phonegate.EUnprocessable: http.StatusUnprocessableEntity,
	phonegate.ELimited:       http.StatusTooManyRequests,
	phonegate.EUnavailable:   http.StatusServiceUnavailable,
	phonegate.EUpstream:      http.StatusBadGateway,
	phonegate.EInternal:      http.StatusServiceUnavailable,
}

// ErrorStatus is the HTTP status of err, by its code; nil and errors
// without a code are faults of the server.
func ErrorStatus(err error) int {
	if st, ok := statuses[phonegate.ErrorCode(err)]; ok {
		return st
	}
	return statuses[phonegate.EInternal]
}

// Internal answers a fault of the server in plain text, where no page can
// be rendered (a panic, a template that failed).
func Internal(w http.ResponseWriter) { http.Error(w, MsgInternal, ErrorStatus(nil)) }
