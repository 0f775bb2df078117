package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// addrLimit limits the failed attempts of one kind from one client
// address (clientAddr) within a window. Successes are taken back
// (store.ForgetAttempt), so that the limit counts failures, and anonymous
// work such as unknown emails, only: an office of many people behind one
// address logs in freely.
type addrLimit struct {
	name   string
	limit  int
	window time.Duration
	hashes bool // the route hashes a password: refused at once while the hash queue is full
}

// The per-address limits (README "Limits").
var (
	limitLogin     = addrLimit{"login", 50, 15 * time.Minute, true}
	limitSetup     = addrLimit{"setup", 10, 15 * time.Minute, true}
	limitInvite    = addrLimit{"invite", 20, 15 * time.Minute, true}
	limitCode      = addrLimit{"code", 30, 15 * time.Minute, false}
	limitEmergency = addrLimit{"emergency", 20, 15 * time.Minute, true}
	limitRecheck   = addrLimit{"recheck", 20, 15 * time.Minute, true}
	limitRecovery  = addrLimit{"recovery", 20, 15 * time.Minute, false}
	limitMembers   = addrLimit{"members", 60, 15 * time.Minute, false}
	limitProjects  = addrLimit{"projects", 30, 15 * time.Minute, false}
)

// addrLimitedRoutes are the routes limited as a whole: an answer of 4xx
// counts as a failure, anything else is taken back. Password re-checks
// inside the account and settings forms are limited where the password is
// checked (recheckPassword), since those forms can fail for other reasons
// after a right password.
var addrLimitedRoutes = map[string]addrLimit{
	"POST /login":            limitLogin,
	"POST /setup":            limitSetup,
	"POST /invite/:token":    limitInvite,
	"POST /verify":           limitCode,
	"POST /verify/app":       limitCode, // app codes share the count of codes
	"POST /verify/passkey":   limitCode, // and so do passkeys' answers
	"POST /verify/emergency": limitEmergency,
	"POST /phone/recovery":   limitRecovery,
	// Adding members and creating projects: refused forms (an address
	// already a member, a bad name) and refusals by the daily caps of
	// store/invitecaps.go count, so that probing for members is slow too.
	"POST /projects/:id/members": limitMembers,
	"POST /projects":             limitProjects,
}

// retryError is an answer that tells the client when to come back:
// 429 for a limit, 503 for a full password-hash queue.
type retryError struct {
	status int
	after  time.Duration
	msg    string
}

func (e *retryError) Error() string { return e.msg }

// busyRetry is how long a client is asked to wait when the hash queue is full.
const busyRetry = 2 * time.Second

// asRetry turns a limit or a full hash queue into its answer.
func (s *Server) asRetry(err error) (*retryError, bool) {
	var re *retryError
	var le *phonegate.LimitedError
	switch {
	case errors.As(err, &re):
		return re, true
	case errors.As(err, &le):
		return &retryError{status: http.StatusTooManyRequests, after: le.RetryAt.Sub(s.now()),
			msg: "Too many failed attempts came from your network. Nothing was changed. Wait a while (the Retry-After header says how long), then try again."}, true
	case errors.Is(err, phonegate.ErrHasherBusy):
		return &retryError{status: http.StatusServiceUnavailable, after: busyRetry,
			msg: "Too many people are logging in right now. Nothing was changed: try again in a few seconds."}, true
	}
	return nil, false
}

// retryPage answers re: its status, Retry-After in whole seconds (at
// least 1) and the page in words.
func (s *Server) retryPage(w http.ResponseWriter, r *http.Request, re *retryError) {
	secs := int((re.after + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	s.errorPage(w, r, re.status, re.msg)
}

// takeAttempt counts an attempt of l from the request's client address
// before the work it limits, or refuses it with a *store.LimitedError.
func (s *Server) takeAttempt(r *http.Request, l addrLimit) (int64, error) {
	return s.db.TakeAttempt(r.Context(), phonegate.AddrLimitKey(l.name, httpx.AddrBucket(s.clientAddr(r))), l.limit, l.window, s.now())
}

// forgetAttempt takes back an attempt that was no failure. It runs to the
// end even if the client has gone: the attempt must not stay counted.
func (s *Server) forgetAttempt(r *http.Request, id int64) {
	if err := s.db.ForgetAttempt(context.WithoutCancel(r.Context()), id); err != nil {
		s.log.Warn().Err(err).Msg("forget attempt")
	}
}

// guard wraps a route's handler with what its access and path ask for:
// the per-address limit of addrLimitedRoutes, and, on a route that needs a
// session, the authenticated priority of the password-hash queue (its
// re-checks, emergency codes and new passwords are not starved by
// anonymous logins). An open route (login, setup, invites) gets no
// priority from a session, which anyone can have for their own account:
// there, only a device cookie of the very account whose password is
// checked earns it (loginThrottle).
func (s *Server) guard(rt route) httpx.HandlerFunc {
	h := rt.h
	if h == nil {
		return nil
	}
	sessionPriority := rt.access == accessPending || rt.access == accessFull
	if l, ok := addrLimitedRoutes[rt.method+" "+rt.path]; ok {
		h = s.limitByAddr(l, sessionPriority, h)
	}
	if !sessionPriority {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if a := authFrom(r); a != nil && a.token != "" {
			r = r.WithContext(phonegate.WithPriority(r.Context(), phonegate.Authenticated))
		}
		return h(w, r)
	}
}

// limitByAddr counts each request to h toward l before h runs, and takes
// it back unless h answered 4xx or marked it failed (failedAttempt: a
// form's error answered with post, redirect, get). A route that hashes is
// refused at once, before anything is counted or read, while the hash
// queue would refuse its work anyway: under a flood, a refusal must cost next to nothing.
func (s *Server) limitByAddr(l addrLimit, sessionPriority bool, h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if l.hashes && !s.cfg.Hasher.Admits(s.hashContext(r, sessionPriority)) {
			return phonegate.ErrHasherBusy
		}
		id, err := s.takeAttempt(r, l)
		if err != nil {
			return err
		}
		sw := &httpx.StatusWriter{ResponseWriter: w}
		out := &attemptOutcome{}
		err = h(sw, r.WithContext(context.WithValue(r.Context(), attemptKey{}, out)))
		status := sw.Status
		var ue *phonegate.Error
		if errors.As(err, &ue) {
			status = httpx.ErrorStatus(ue)
		} else if err != nil {
			status = http.StatusServiceUnavailable
		}
		if (status < 400 || status >= 500) && !out.failed {
			s.forgetAttempt(r, id)
		}
		return err
	}
}

// attemptOutcome is what a limited handler says of its attempt beside its
// status (limitByAddr).
type attemptOutcome struct{ failed bool }

type attemptKey struct{}

// failedAttempt marks the request's attempt, counted by limitByAddr, as a
// failure although its answer is a redirect: a form that answers with
// post, redirect, get (the code page's) still fails.
func failedAttempt(r *http.Request) {
	if o, ok := r.Context().Value(attemptKey{}).(*attemptOutcome); ok {
		o.failed = true
	}
}

// hashContext returns r's context with the priority its hashes will
// likely have: authenticated with a session on a route that needs one
// (sessionPriority), or with a valid device cookie (which verifyPassword
// then checks against the account), else anonymous.
func (s *Server) hashContext(r *http.Request, sessionPriority bool) context.Context {
	if a := authFrom(r); sessionPriority && a != nil && a.token != "" {
		return phonegate.WithPriority(r.Context(), phonegate.Authenticated)
	}
	if _, _, ok := s.anyDevice(r); ok {
		return phonegate.WithPriority(r.Context(), phonegate.Authenticated)
	}
	return r.Context()
}

// noStore keeps the answers of h out of every cache: the login, setup and
// invite pages, their error pages included, carry tokens and typed emails.
func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
