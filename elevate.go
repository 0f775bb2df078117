package phonegate

import (
	"context"
	"fmt"
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
