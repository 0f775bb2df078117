package phonegate

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// VerifyService is a Verify API service ("VA…") of a project: the name
// its messages and calls say, and the length of its codes (DESIGN §8).
type VerifyService struct {
	SID          string
	ProjectID    int64
	FriendlyName string
	CodeLength   int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// The rules of a Verify service, as Twilio's.
const (
	MinCodeLength       = 4
	MaxCodeLength       = 10
	DefaultCodeLength   = 6
	MaxFriendlyName     = 30 // characters
	maxFriendlyNameDigs = 4  // more could spell a phone number
)

// ParamError returns the Verify API's answer to a bad parameter, in
// Twilio's words: "Invalid parameter: name".
func ParamError(name string) *Error {
	return &Error{Code: EInvalid, Message: "Invalid parameter: " + name}
}

// checkFriendlyName checks a service's name, which every SMS and call of
// the service says: 1 to 30 letters, digits, spaces, dashes and
// underscores, at most 4 digits, as Twilio allows; no link or number can
// reach a phone through it.
func checkFriendlyName(name string) (string, error) {
	n := strings.TrimSpace(name)
	digits := 0
	for _, r := range n {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r), r == ' ', r == '-', r == '_':
		default:
			return "", ParamError("FriendlyName")
		}
	}
	if n == "" || utf8.RuneCountInString(n) > MaxFriendlyName || digits > maxFriendlyNameDigs {
		return "", ParamError("FriendlyName")
	}
	return n, nil
}

// checkCodeLength checks a service's code length; 0 is the default.
func checkCodeLength(n int) (int, error) {
	if n == 0 {
		return DefaultCodeLength, nil
	}
	if n < MinCodeLength || n > MaxCodeLength {
		return 0, ParamError("CodeLength")
	}
	return n, nil
}

// CreateVerifyService makes a Verify service of the principal's project,
// audited; codeLength 0 is DefaultCodeLength. A bad name or length is
// ParamError.
func (s *Service) CreateVerifyService(ctx context.Context, p APIPrincipal, friendlyName string, codeLength int) (VerifyService, error) {
	name, err := checkFriendlyName(friendlyName)
	if err != nil {
		return VerifyService{}, err
	}
	n, err := checkCodeLength(codeLength)
	if err != nil {
		return VerifyService{}, err
	}
	now := s.now()
	v := VerifyService{SID: s.newSID(PrefixVerifyService), ProjectID: p.ProjectID, FriendlyName: name, CodeLength: n,
		CreatedAt: now, UpdatedAt: now}
	if err := s.store.AddVerifyService(ctx, v, p.KeySID, now); err != nil {
		return VerifyService{}, err
	}
	return v, nil
}

// VerifyService returns the service sid of the principal's project;
// ErrNotFound for another project's, as for one that does not exist.
func (s *Service) VerifyService(ctx context.Context, p APIPrincipal, sid string) (VerifyService, error) {
	if !IsSID(sid, PrefixVerifyService) {
		return VerifyService{}, ErrNotFound
	}
	return s.store.VerifyService(ctx, p.ProjectID, sid)
}

// VerifyServices returns at most limit services of the principal's
// project, oldest first, after skipping offset of them.
func (s *Service) VerifyServices(ctx context.Context, p APIPrincipal, offset, limit int) ([]VerifyService, error) {
	return s.store.VerifyServices(ctx, p.ProjectID, offset, limit)
}

// ProjectVerifyServices returns the services of project p, for its page.
func (s *Service) ProjectVerifyServices(ctx context.Context, p Project) ([]VerifyService, error) {
	return s.store.VerifyServices(ctx, p.ID, 0, maxListedServices)
}

// maxListedServices bounds the services a project's page lists.
const maxListedServices = 200

// VerifyServiceUpdate is what an update changes; nil leaves it as it is.
type VerifyServiceUpdate struct {
	FriendlyName *string
	CodeLength   *int
}

// UpdateVerifyService changes the service sid of the principal's project
// under the rules of CreateVerifyService, audited.
func (s *Service) UpdateVerifyService(ctx context.Context, p APIPrincipal, sid string, u VerifyServiceUpdate) (VerifyService, error) {
	v, err := s.VerifyService(ctx, p, sid)
	if err != nil {
		return VerifyService{}, err
	}
	if u.FriendlyName != nil {
		if v.FriendlyName, err = checkFriendlyName(*u.FriendlyName); err != nil {
			return VerifyService{}, err
		}
	}
	if u.CodeLength != nil {
		if *u.CodeLength == 0 {
			return VerifyService{}, ParamError("CodeLength")
		}
		if v.CodeLength, err = checkCodeLength(*u.CodeLength); err != nil {
			return VerifyService{}, err
		}
	}
	v.UpdatedAt = s.now()
	if err := s.store.UpdateVerifyService(ctx, v, p.KeySID, v.UpdatedAt); err != nil {
		return VerifyService{}, err
	}
	return v, nil
}

// DeleteVerifyService deletes the service sid of the principal's
// project, audited; ErrNotFound when it is not the project's.
func (s *Service) DeleteVerifyService(ctx context.Context, p APIPrincipal, sid string) error {
	if !IsSID(sid, PrefixVerifyService) {
		return ErrNotFound
	}
	return s.store.DeleteVerifyService(ctx, p.ProjectID, sid, p.KeySID, s.now())
}
