package phonegate

import (
	"context"
	"errors"
	"strconv"
)

// The command line's API keys: the operator of the server speaks for
// every project and acts with no user, as with the protected sites
// (sites_operator.go).

// CreateAPIKeyAsOperator makes an API key named name of the project named
// projectName, audited with no actor; the secret is in the answer only.
func (s *Service) CreateAPIKeyAsOperator(ctx context.Context, projectName, name string) (NewAPIKey, error) {
	p, err := s.OperatorProject(ctx, projectName)
	if err != nil {
		return NewAPIKey{}, err
	}
	return s.createAPIKey(ctx, p, name, 0)
}

// APIKeysAsOperator returns the live API keys of the project named
// projectName, newest first, and its account SID.
func (s *Service) APIKeysAsOperator(ctx context.Context, projectName string) ([]APIKey, string, error) {
	p, err := s.OperatorProject(ctx, projectName)
	if err != nil {
		return nil, "", err
	}
	account, err := s.AccountSID(ctx, p)
	if err != nil {
		return nil, "", err
	}
	keys, err := s.APIKeys(ctx, p)
	return keys, account, err
}

// RevokeAPIKeyAsOperator revokes the live API key sid, whichever project
// it is of, audited with no actor; ENotFound in words when no live key has
// that SID.
func (s *Service) RevokeAPIKeyAsOperator(ctx context.Context, sid string) (APIKey, error) {
	notFound := func(err error) error {
		return &Error{Code: ENotFound, Message: "no live API key is " + strconv.Quote(sid), Cause: err}
	}
	if !IsSID(sid, PrefixAPIKey) {
		return APIKey{}, notFound(ErrNotFound)
	}
	k, err := s.store.APIKey(ctx, sid)
	if errors.Is(err, ErrNotFound) {
		return APIKey{}, notFound(err)
	}
	if err != nil {
		return APIKey{}, err
	}
	err = s.revokeAPIKey(ctx, k.ProjectID, sid, 0)
	if errors.Is(err, ErrNotFound) {
		return APIKey{}, notFound(err)
	}
	return k, err
}
