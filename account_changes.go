package phonegate

import (
	"bytes"
	"context"
	"fmt"
)

// ChangePassword sets u's new password, once the current one was checked
// again (CheckPassword), from the session sess: every other session of u
// and every trusted computer is signed out, the change is audited, and u
// is told by email. A password that may not be chosen is refused with an
// *Error of code EInvalid in words.
func (s *Service) ChangePassword(ctx context.Context, u User, sess Session, password string) error {
	if msg := PasswordProblem(password, u.Email); msg != "" {
		return Errorf(EInvalid, "The new password was not accepted. %s", msg)
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	if err := s.store.ChangePassword(ctx, u.ID, hash, sess.TokenHash); err != nil {
		return err
	}
	if err := s.store.AddUserAudit(ctx, AuditEvent{UserID: u.ID, ActorID: u.ID,
		Kind: "password.changed", At: s.now()}); err != nil {
		return err
	}
	s.notifyPasswordChanged(ctx, u)
	return nil
}

// notifyPasswordChanged tells u that their password was changed.
func (s *Service) notifyPasswordChanged(ctx context.Context, u User) {
	s.notify(ctx, NoticePasswordChanged, u, Notice{Link: s.publicURL("/login")})
}

// LogOutOthers ends every session of u but sess, once the password was
// checked again (CheckPassword): a stolen session cookie must not be able
// to throw the owner out. It returns the words that say how many ended.
func (s *Service) LogOutOthers(ctx context.Context, u User, sess Session) (string, error) {
	n, err := s.store.EndOtherSessions(ctx, u.ID, sess.TokenHash, s.now())
	if err != nil {
		return "", err
	}
	s.log.Info().Int64("user", u.ID).Int("sessions", n).Msg("other sessions logged out")
	return othersLoggedOut(n), nil
}

// othersLoggedOut says how many other sessions were logged out.
func othersLoggedOut(n int) string {
	switch {
	case n == 0:
		return "No other session was open: there was nothing to log out."
	case n == 1:
		return "1 other session was logged out."
	}
	return fmt.Sprintf("%d other sessions were logged out.", n)
}

// MsgUnknownSession answers a session that is not the user's, or was
// ended already (from a page left open, a double click).
const MsgUnknownSession = "That session is not known: it may have ended already."

// EndSession ends u's session of token hash id (from the account page's
// list, which names sessions by the hash). One that is not u's, or ended
// already, is an *Error of code ENotFound, MsgUnknownSession.
func (s *Service) EndSession(ctx context.Context, u User, id []byte) error {
	ss, err := s.store.UserSessions(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, x := range ss {
		if bytes.Equal(x.TokenHash, id) {
			return s.store.DeleteSession(ctx, id)
		}
	}
	return Errorf(ENotFound, "%s", MsgUnknownSession)
}

// LogOut ends the session of token.
func (s *Service) LogOut(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, HashToken(token))
}

// AccountSession is a session of the account page's list: current marks
// the one that asks.
type AccountSession struct {
	Session
	Current bool
}

// AccountSessions lists u's sessions, marking current.
func (s *Service) AccountSessions(ctx context.Context, u User, current Session) ([]AccountSession, error) {
	ss, err := s.store.UserSessions(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]AccountSession, 0, len(ss))
	for _, x := range ss {
		out = append(out, AccountSession{Session: x, Current: bytes.Equal(x.TokenHash, current.TokenHash)})
	}
	return out, nil
}
