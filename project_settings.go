package phonegate

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// ElevationLife is how long "Authenticate to make changes" holds: the
// session may change what needs it for that long after the password.
const ElevationLife = 10 * time.Minute

// MsgElevated confirms "Authenticate to make changes".
var MsgElevated = fmt.Sprintf("You can make changes for the next %d minutes.", int(ElevationLife/time.Minute))

// Elevated reports whether sess re-entered the password less than
// ElevationLife ago (bound to the session).
func (s *Service) Elevated(sess Session) bool { return s.now().Before(sess.ElevatedUntil) }

// Elevate is "Authenticate to make changes" once the password of u was
// checked again (CheckPassword): it marks the session sess as elevated for
// ElevationLife, which the audit log of the project asking for it records,
// and returns until when.
func (s *Service) Elevate(ctx context.Context, sess Session, u User, projectID int64) (time.Time, error) {
	now := s.now()
	until := now.Add(ElevationLife)
	if err := s.store.ElevateSessionFor(ctx, sess.TokenHash, until, projectID, u.ID, now); err != nil {
		return time.Time{}, err
	}
	return until, nil
}

// ErrNotElevated refuses a change of a project's settings from a session
// that did not "Authenticate to make changes" first.
var ErrNotElevated = &Error{Code: EForbidden,
	Message: "Authenticate to make changes: enter your password, then save again."}

// ErrNotManager refuses a developer what only the project's owners and
// admins may do.
var ErrNotManager = &Error{Code: EForbidden, Message: "Only the project's owners and admins can do that."}

// ChangeLevel sets the two-factor level of the project of m, whose member
// u manages it (else ErrNotManager), to the level named levelName, from
// the session sess, which must be elevated (else ErrNotElevated); an
// unknown level is an *Error of code EInvalid in words. A change tells the
// project's owners and admins by email. It returns the level set.
func (s *Service) ChangeLevel(ctx context.Context, m Membership, u User, sess Session, levelName string) (Level, error) {
	if !CanManage(m.Role) {
		return "", ErrNotManager
	}
	if !s.Elevated(sess) {
		return "", ErrNotElevated
	}
	level, err := ParseLevel(levelName)
	if err != nil {
		return "", &Error{Code: EInvalid, Message: "Choose one of the levels.", Cause: err}
	}
	old, err := s.store.SetMFALevel(ctx, m.Project.ID, u.ID, string(level), s.now())
	if err != nil {
		return "", err
	}
	if old != string(level) {
		s.log.Info().Int64("project", m.Project.ID).Int64("user", u.ID).
			Str("old", old).Str("new", string(level)).Msg("two-factor level changed")
		s.notifyLevelChanged(ctx, m.Project, u.Email, Level(old), level)
	}
	return level, nil
}

// notifyLevelChanged tells the owners and admins of p who accepted it
// that by changed its two-factor level from old to level.
func (s *Service) notifyLevelChanged(ctx context.Context, p Project, by string, old, level Level) {
	if s.mailer == nil {
		return
	}
	ms, err := s.store.Members(ctx, p.ID)
	if err != nil {
		s.log.Error().Err(err).Int64("project", p.ID).Msg("mail not queued: members")
		return
	}
	n := Notice{Link: s.publicURL("/projects/" + strconv.FormatInt(p.ID, 10) + "/settings"), Project: p.Name, By: by,
		OldLevel: old.Label(), NewLevel: level.Label()}
	for _, m := range ms {
		if CanManage(m.Role) && !m.Pending && !m.Invited {
			s.notify(ctx, NoticeLevelChanged, m.User, n)
		}
	}
}
