package phonegate

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// VerificationRequest asks for a verification's code to be sent, as the
// Verify API's create does.
type VerificationRequest struct {
	ServiceSID string // the Verify service (VA…)
	ProjectID  int64  // the service's project, whose audit log records it
	Name       string // the service's FriendlyName, which the SMS and the call speak
	CustomName string // the request's CustomFriendlyName, spoken instead when not empty
	CodeLength int    // the service's code length; 0 for DefaultCodeLength
	To         string // the number, E.164
	Channel    string // ChannelSMS or ChannelCall
}

// StartVerification sends a verification's code to r.To by r.Channel. As
// Verify does, a create for a number that has a pending verification in
// the service reuses it: same SID, same code, one more send, by the
// channel this create asks for. As Verify documents for 60202, a number
// whose verification reached its check attempts waits until that
// verification expires: until then a create is refused with
// ErrVerifyMaxChecks. It returns the verification as it stands after the
// send.
//
// A refusal is an *Error whose Cause says why, for the API to name it:
// ErrVerifyChannel, the phone's reasons (ErrPhoneInvalid, ErrPhoneCountry,
// ErrPhonePremium, ErrPhoneNotForSMS), a *SendLimitError (LimitChallenge
// after MaxChallengeSends sends), or the Sender's (*SendError: ErrOptedOut,
// ErrNoSMS and the rest).
func (s *Service) StartVerification(ctx context.Context, r VerificationRequest) (Verification, error) {
	if r.Channel != ChannelSMS && r.Channel != ChannelCall {
		return Verification{}, &Error{Code: EInvalid, Message: "Channel must be sms or call.", Cause: ErrVerifyChannel}
	}
	p, err := s.verifyPhone(r.To)
	if err != nil {
		return Verification{}, err
	}
	if r.CustomName != "" {
		// The app's name for this one verification goes into the SMS and
		// the call: it follows the service name's rules.
		if r.Name, err = checkFriendlyName(r.CustomName); err != nil {
			return Verification{}, ParamError("CustomFriendlyName")
		}
	}
	if r.Channel == ChannelSMS && !p.SMS {
		return Verification{}, &Error{Code: EInvalid, Message: ErrPhoneNotForSMS.Error(), Cause: ErrPhoneNotForSMS}
	}
	// Twice at most: a create that lost the race to another create for the
	// same number resends the verification the other one made.
	for range 2 {
		latest, err := s.store.LatestVerification(ctx, r.ServiceSID, p.E164)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Verification{}, err
		}
		if err == nil && VerificationStatus(latest, s.now()) == VerificationMaxAttempts && s.now().Before(latest.ExpiresAt) {
			return Verification{}, errMaxChecks()
		}
		if err == nil && VerificationStatus(latest, s.now()) == VerificationPending {
			if _, err := s.SendCode(ctx, latest, r.Channel, ""); err != nil {
				return Verification{}, err
			}
			s.auditVerification(ctx, latest, "verification.resent", channelWords(r.Channel))
			return s.Verification(ctx, r.ServiceSID, latest.ID)
		}
		c := s.verificationFor(r, p.E164)
		_, err = s.send(ctx, c, r.Channel, false, func(req SendRequest) (Delivery, error) {
			return s.store.StartVerification(ctx, c, req)
		})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Verification{}, err
		}
		s.auditVerification(ctx, c, "verification.created", channelWords(r.Channel))
		s.obs.VerificationCreated(r.Channel)
		return s.Verification(ctx, r.ServiceSID, c.ID)
	}
	return Verification{}, errors.New("verification: the pending verification changed twice during one create")
}

// verifyPhone reads a Verify API's To: E.164 only, within the country
// allowlist. Its refusal is an *Error whose Cause is the phone's reason.
func (s *Service) verifyPhone(to string) (Phone, error) {
	p, err := ParsePhone(to, "", s.cfg.AllowedCountries)
	if err != nil {
		code := EInvalid
		if errors.Is(err, ErrPhoneCountry) || errors.Is(err, ErrPhonePremium) {
			code = EForbidden
		}
		return Phone{}, &Error{Code: code, Message: err.Error(), Cause: err}
	}
	return p, nil
}

// verificationFor makes a new verification for r to phone, without
// storing it.
func (s *Service) verificationFor(r VerificationRequest, phone string) Challenge {
	now := s.now()
	id := s.newSID(PrefixVerification)
	n := r.CodeLength
	if n < MinCodeLength || n > MaxCodeLength {
		n = DefaultCodeLength
	}
	code := codeOfLength(s.rand, n)
	return Challenge{
		ID:          id,
		SessionHash: verificationSessionHash(id),
		Purpose:     PurposeVerify,
		Label:       r.Name,
		Phone:       phone,
		CodeMAC:     s.keys.CodeMAC(id, code),
		CodeSealed:  s.keys.Seal(id, code),
		State:       ChallengePending,
		CreatedAt:   now,
		ExpiresAt:   now.Add(ChallengeLife),
		ServiceSID:  r.ServiceSID,
		ProjectID:   r.ProjectID,
	}
}

// codeOfLength returns a code of n digits, uniformly drawn from src and
// zero-padded.
func codeOfLength(src io.Reader, n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(src, limit)
	if err != nil {
		panic("phonegate: random source: " + err.Error())
	}
	return fmt.Sprintf("%0*s", n, v.String())
}

// verificationSMS is the text that carries a verification's code, as
// Verify words it, with the line that lets a browser offer the code for a
// page on this host (WebOTP).
func (s *Service) verificationSMS(code, name string) string {
	if name == "" {
		name = "phonegate"
	}
	return "Your " + name + " verification code is: " + code + "\n\n@" + s.public.Hostname() + " #" + code
}
