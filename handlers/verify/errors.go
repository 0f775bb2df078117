package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/phonegate/phonegate"
)

// Error is an answer in Twilio's error JSON: the HTTP status, Twilio's
// error code and its message. A handler returns one to answer it as it is.
type Error struct {
	Status  int
	Code    int
	Message string
	// RetryAfter, when set, is sent as Retry-After (429).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return strconv.Itoa(e.Code) + " " + e.Message }

// errorJSON is Twilio's error body, as twilio-go decodes it
// (client.TwilioRestError).
type errorJSON struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// Twilio's error codes the room answers.
const (
	CodeAuthenticate     = 20003 // the credentials are wrong
	CodeForbidden        = 20403
	CodeNotFound         = 20404
	CodeConflict         = 20409
	CodeTooManyRequests  = 20429
	CodeInternal         = 20500
	CodeUnavailable      = 20503
	CodeInvalidParameter = 60200
)

// moreInfo is Twilio's page for an error code.
func moreInfo(code int) string { return "https://www.twilio.com/docs/errors/" + strconv.Itoa(code) }

// errAuthenticate is the answer to credentials that are not a live key's.
var errAuthenticate = &Error{Status: http.StatusUnauthorized, Code: CodeAuthenticate, Message: "Authenticate"}

// notFound is Twilio's answer for a missing resource, or another
// project's: the path asked for was not found.
func notFound(r *http.Request) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: "The requested resource " + r.URL.Path + " was not found"}
}

// invalidParam is Twilio's answer to a bad parameter.
func invalidParam(name string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidParameter, Message: "Invalid parameter: " + name}
}

// Sentinel answers: a domain error that is (errors.Is) Err gets the
// status and code of its row, with the message of the *phonegate.Error in
// its chain when there is one, else Message. The first row that matches
// wins; rows for the Verify rules (60202, 60203, …) go here.
type sentinelAnswer struct {
	Err     error
	Status  int
	Code    int
	Message string
}

var sentinelAnswers = []sentinelAnswer{
	{phonegate.ErrAPIAuth, http.StatusUnauthorized, CodeAuthenticate, "Authenticate"},
}

// codeAnswers is the table from phonegate.Error codes to Twilio's
// answers, for the errors no sentinel row matched. A fault of the server
// answers 503: nothing was changed, and trying again may work.
var codeAnswers = map[string]Error{
	phonegate.EInvalid:       {Status: http.StatusBadRequest, Code: CodeInvalidParameter, Message: "Invalid parameter"},
	phonegate.ENotFound:      {Status: http.StatusNotFound, Code: CodeNotFound},
	phonegate.EForbidden:     {Status: http.StatusForbidden, Code: CodeForbidden, Message: "Forbidden"},
	phonegate.EConflict:      {Status: http.StatusConflict, Code: CodeConflict, Message: "Conflict"},
	phonegate.EUnprocessable: {Status: http.StatusBadRequest, Code: CodeInvalidParameter, Message: "Invalid parameter"},
	phonegate.ELimited:       {Status: http.StatusTooManyRequests, Code: CodeTooManyRequests, Message: "Too Many Requests"},
	phonegate.EUnavailable:   {Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "Service Unavailable"},
	phonegate.EUpstream:      {Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "Service Unavailable"},
	phonegate.EInternal:      {Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "Service Unavailable"},
}

// answerFor is the Twilio answer to err, from the request r: an *Error
// as it is, then the sentinel rows, then the table of codes. A limit
// (*phonegate.LimitedError) says when to come back.
func (a *API) answerFor(r *http.Request, err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	words := phonegate.ErrorMessage(err)
	for _, s := range sentinelAnswers {
		if errors.Is(err, s.Err) {
			msg := s.Message
			if words != "" {
				msg = words
			}
			return &Error{Status: s.Status, Code: s.Code, Message: msg}
		}
	}
	code := phonegate.ErrorCode(err)
	if le, ok := errors.AsType[*phonegate.LimitedError](err); ok {
		e := codeAnswers[phonegate.ELimited]
		e.RetryAfter = le.RetryAt.Sub(a.now())
		return &e
	}
	e, ok := codeAnswers[code]
	if !ok {
		code, e = phonegate.EInternal, codeAnswers[phonegate.EInternal]
	}
	switch {
	case code == phonegate.ENotFound:
		return notFound(r)
	case code == phonegate.EInternal || code == phonegate.EUpstream || code == phonegate.EUnavailable:
		// words of a fault stay in the log
	case words != "":
		e.Message = words
	}
	return &e
}

// fail answers err in Twilio's error JSON; a fault of the server is
// logged, a refusal is not.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := a.answerFor(r, err)
	if e.Status >= 500 {
		a.log.Error().Err(err).Str("path", r.URL.Path).Msg("verify api")
	}
	writeError(w, e)
}

// writeError writes e as Twilio's error JSON.
func writeError(w http.ResponseWriter, e *Error) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int((e.RetryAfter+time.Second-1)/time.Second))))
	}
	writeJSON(w, e.Status, errorJSON{Code: e.Code, Message: e.Message, MoreInfo: moreInfo(e.Code), Status: e.Status})
}

// writeJSON writes v as the JSON answer with status, with "&" and "<" as
// they are (Twilio's URLs carry "&"), not escaped for HTML.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusServiceUnavailable
		buf.Reset()
		buf.WriteString(`{"code":20503,"message":"Service Unavailable","more_info":"https://www.twilio.com/docs/errors/20503","status":503}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
