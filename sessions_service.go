package phonegate

import (
	"context"
	"errors"
	"time"
)

// ErrNoSession is what OpenSession answers for a token that names no live
// session: never issued, logged out, ended elsewhere, or past its idle or
// absolute life.
var ErrNoSession = errors.New("no live session")

// OpenSession returns the live session whose token is token, and its
// user, refreshing its last use. A token with no live session is
// ErrNoSession.
func (s *Service) OpenSession(ctx context.Context, token string) (Session, User, error) {
	now := s.now()
	sess, err := s.store.Session(ctx, HashToken(token), now, now.Add(-SessionIdle), now.Add(-SessionAbsolute))
	if errors.Is(err, ErrNotFound) {
		return Session{}, User{}, ErrNoSession
	}
	if err != nil {
		return Session{}, User{}, err
	}
	u, err := s.store.User(ctx, sess.UserID)
	if err != nil {
		return Session{}, User{}, err
	}
	return sess, u, nil
}

// StartSession starts a session of u, which has just given the right
// password, from a browser that says it is userAgent, and returns its
// token. A session the browser had (oldToken, "" for none) ends first: a
// new token at login is what defeats session fixation.
func (s *Service) StartSession(ctx context.Context, u User, oldToken, userAgent string) (string, Session, error) {
	if oldToken != "" {
		if err := s.store.DeleteSession(ctx, HashToken(oldToken)); err != nil {
			return "", Session{}, err
		}
	}
	now := s.now()
	token := s.newToken()
	sess := Session{
		TokenHash:  HashToken(token),
		UserID:     u.ID,
		CSRFToken:  s.newToken(),
		UserAgent:  userAgent,
		CreatedAt:  now,
		LastSeenAt: now,
	}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", Session{}, err
	}
	return token, sess, nil
}

// RenewSession gives the session of token a new token and CSRF token
// (after the second factor), recording mfaAt when it is not zero, and
// returns them.
func (s *Service) RenewSession(ctx context.Context, token string, mfaAt time.Time) (newToken, csrf string, err error) {
	newToken, csrf = s.newToken(), s.newToken()
	if err := s.store.RenewSession(ctx, HashToken(token), HashToken(newToken), csrf, mfaAt); err != nil {
		return "", "", err
	}
	return newToken, csrf, nil
}

// NewCSRFToken returns a token for the forms of a visitor without a
// session.
func (s *Service) NewCSRFToken() string { return s.newToken() }

// AuditLogin writes a login (the right password) into the audit log of
// each project u accepted, with the browser (in words) and the client
// address: the owners of a project see who came in, from what and where.
func (s *Service) AuditLogin(ctx context.Context, u User, browser, addr string) error {
	return s.store.AddUserAudit(ctx, AuditEvent{UserID: u.ID, ActorID: u.ID, Kind: "login",
		Detail: browser + " from " + addr, At: s.now()})
}
