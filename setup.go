package phonegate

import (
	"context"
	"crypto/subtle"
	"encoding/hex"
	"errors"
)

// SetupLink returns the one-time setup link while no user exists, making
// a new setup token each time it is called, and "" once setup is done.
func (s *Service) SetupLink(ctx context.Context) (string, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	token := s.newToken()
	if err := s.store.SetSetting(ctx, SettingSetupToken, hex.EncodeToString(HashToken(token))); err != nil {
		return "", err
	}
	return s.publicURL("/setup?token=" + token), nil
}

// SetupAllowed reports whether token is the live one-time setup token.
func (s *Service) SetupAllowed(ctx context.Context, token string) (bool, error) {
	want, err := s.store.Setting(ctx, SettingSetupToken)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	got := hex.EncodeToString(HashToken(token))
	return token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1, nil
}

// SetUp creates the first owner, with email and password, and their first
// project, named project: the setup that the setup link (SetupLink) opens,
// whose token the caller checked (SetupAllowed). Fields that cannot be
// used are refused with an *Error of code EInvalid in words; ErrConflict
// means setup was done meanwhile.
func (s *Service) SetUp(ctx context.Context, email, password, project string) (User, error) {
	msg := accountFieldsProblem(email, password)
	if msg == "" {
		msg = ProjectNameProblem(project)
	}
	if msg != "" {
		return User{}, Errorf(EInvalid, "%s", msg)
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	u, _, err := s.store.CreateFirstOwner(ctx, email, hash, project, s.now())
	if err != nil {
		return User{}, err
	}
	s.log.Info().Int64("user", u.ID).Msg("setup done: first owner created")
	return u, nil
}

// accountFieldsProblem returns, in words, what is wrong with a new
// account's email and password, or "".
func accountFieldsProblem(email, password string) string {
	if !ValidEmail(email) {
		return "Enter a valid email address."
	}
	return PasswordProblem(password, email)
}
