package phonegate

import (
	"context"
	"strconv"
)

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
