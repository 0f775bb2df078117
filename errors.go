package phonegate

import (
	"errors"
	"fmt"
)

// Sentinel errors. Handlers map them to HTTP status in one place.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("already exists")
	ErrLastOwner = errors.New("a project must keep at least one owner")
	ErrTooNew    = errors.New("database was written by a newer version of phonegate")
	ErrLimited   = errors.New("limit reached")
)

// Error codes say what kind of failure an *Error is. Each way in maps a
// code to its own answer in one place: the HTTP side to a status
// (handlers' table), the command line to its words.
const (
	EInvalid       = "invalid"       // the input cannot be used as it is
	ENotFound      = "not_found"     // nothing of that name, or not the asker's to see
	EForbidden     = "forbidden"     // the asker may not do that
	EConflict      = "conflict"      // the state does not allow it now
	EUnprocessable = "unprocessable" // well formed, but refused (a number the provider rejects)
	ELimited       = "limited"       // a limit was reached; later it may work
	EUnavailable   = "unavailable"   // the server cannot do it now, through no fault of the asker
	EUpstream      = "upstream"      // the provider failed
	EInternal      = "internal"      // anything else: a fault of the server
)

// Error is a failure the asker can be told about in words: Message is
// written for people, Code says what kind it is, Cause (a sentinel such as
// ErrChallengeEnded or a *SendLimitError) keeps errors.Is and errors.As
// working through it.
type Error struct {
	Code    string
	Message string
	Cause   error
}

// Errorf returns an *Error of code whose message is formatted.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Cause }

// ErrorCode returns the code of err: that of the *Error in its chain,
// ENotFound for ErrNotFound, else EInternal.
func ErrorCode(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	if errors.Is(err, ErrNotFound) {
		return ENotFound
	}
	return EInternal
}

// ErrorMessage returns the words of the *Error in err's chain, or "" when
// err has none to show.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return ""
}

// ErrClosed is returned for a write that came after the database closed.
var ErrClosed = errors.New("store: database closed")
