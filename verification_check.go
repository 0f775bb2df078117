package phonegate

import (
	"context"
	"errors"
	"strings"
)

// msgNoVerification is Verify's words for an approved, canceled, expired
// or unknown verification.
const msgNoVerification = "The requested resource was not found."

// errNoVerification is the refusal of a verification that cannot be
// checked or changed any more, or was never made.
func errNoVerification() error {
	return &Error{Code: ENotFound, Message: msgNoVerification, Cause: ErrNotFound}
}

// Verification returns the verification id of service serviceSID with
// its sends; one of another service is ErrNotFound, as a missing one is.
func (s *Service) Verification(ctx context.Context, serviceSID, id string) (Verification, error) {
	if !IsVerificationSID(id) {
		return Verification{}, errNoVerification()
	}
	c, err := s.store.Challenge(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && (c.Purpose != PurposeVerify || c.ServiceSID != serviceSID)) {
		return Verification{}, errNoVerification()
	}
	if err != nil {
		return Verification{}, err
	}
	return s.verificationOf(ctx, c)
}

// FindVerification returns the verification a request names: by its SID
// when sidOrTo starts with VE, else the newest of the service for that
// number.
func (s *Service) FindVerification(ctx context.Context, serviceSID, sidOrTo string) (Verification, error) {
	if strings.HasPrefix(sidOrTo, PrefixVerification) {
		return s.Verification(ctx, serviceSID, sidOrTo)
	}
	p, err := s.verifyPhone(sidOrTo)
	if err != nil {
		return Verification{}, err
	}
	c, err := s.store.LatestVerification(ctx, serviceSID, p.E164)
	if errors.Is(err, ErrNotFound) {
		return Verification{}, errNoVerification()
	}
	if err != nil {
		return Verification{}, err
	}
	return s.verificationOf(ctx, c)
}

// verificationOf is c as the Verify API shows it, with its sends.
func (s *Service) verificationOf(ctx context.Context, c Challenge) (Verification, error) {
	ds, err := s.store.Deliveries(ctx, c.ID)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Challenge: c, Status: VerificationStatus(c, s.now()), Attempts: ds}
	if len(ds) > 0 {
		v.Channel = ds[len(ds)-1].Channel
	}
	return v, nil
}

// CheckVerification checks code against the verification that sidOrTo
// names (see FindVerification) in service serviceSID. The check is counted
// before the comparison, and a right code consumes the verification, in
// one store transaction (Store.CheckVerification). It returns the
// verification after the check: approved for the right code, pending for
// a wrong one. After the MaxChecks-th wrong one the verification is
// max_attempts_reached, and every later check is an *Error of ELimited
// (ErrVerifyMaxChecks), even with the right code; one of an approved,
// canceled, expired or unknown verification is ErrNotFound.
func (s *Service) CheckVerification(ctx context.Context, serviceSID, sidOrTo, code string) (Verification, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Verification{}, &Error{Code: EInvalid, Message: "Code is required.", Cause: ErrVerifyCode}
	}
	if sidOrTo == "" {
		return Verification{}, &Error{Code: EInvalid, Message: "Either To or VerificationSid is required.", Cause: ErrVerifyTarget}
	}
	v, err := s.FindVerification(ctx, serviceSID, sidOrTo)
	if err != nil {
		return Verification{}, err
	}
	now := s.now()
	if err := checkable(v.Status); err != nil {
		return Verification{}, err
	}
	c, checked, err := s.store.CheckVerification(ctx, v.ID, s.keys.CodeMAC(v.ID, code), now)
	if err != nil {
		return Verification{}, err
	}
	status := VerificationStatus(c, now)
	if !checked { // another check ended it, or it expired, meanwhile
		if err := checkable(status); err != nil {
			return Verification{}, err
		}
		return Verification{}, errNoVerification()
	}
	s.auditVerification(ctx, c, "verification.checked", status)
	v, err = s.verificationOf(ctx, c)
	if err == nil && status == VerificationApproved {
		s.obs.VerificationApproved(v.Channel)
	}
	if status == VerificationMaxAttempts {
		// A wrong code answers pending, the last one too, as the issue's
		// rule says; the verification itself now shows its attempts
		// reached, and the next check is refused.
		v.Status = VerificationPending
	}
	return v, err
}

// checkable returns why a verification of status cannot be checked, or
// nil when it can.
func checkable(status string) error {
	switch status {
	case VerificationPending:
		return nil
	case VerificationMaxAttempts:
		return errMaxChecks()
	default:
		return errNoVerification()
	}
}

// errMaxChecks is the refusal of a verification that reached MaxChecks
// wrong codes, and of a new one for its number until it expires.
func errMaxChecks() error {
	return &Error{Code: ELimited, Message: "Max check attempts reached", Cause: ErrVerifyMaxChecks}
}

// UpdateVerification sets the status of the pending verification that
// sidOrTo names to VerificationCanceled or VerificationApproved, as the
// Verify API's update does: an app that approved by other means, or whose
// user gave up. One that is not pending is ErrNotFound.
func (s *Service) UpdateVerification(ctx context.Context, serviceSID, sidOrTo, status string) (Verification, error) {
	state := map[string]string{VerificationCanceled: ChallengeCancelled, VerificationApproved: ChallengeUsed}[status]
	if state == "" {
		return Verification{}, &Error{Code: EInvalid, Message: "Status must be canceled or approved.", Cause: ErrVerifyStatus}
	}
	v, err := s.FindVerification(ctx, serviceSID, sidOrTo)
	if err != nil {
		return Verification{}, err
	}
	c, err := s.store.EndVerification(ctx, v.ID, state, s.now())
	if errors.Is(err, ErrNotFound) {
		return Verification{}, errNoVerification()
	}
	if err != nil {
		return Verification{}, err
	}
	s.auditVerification(ctx, c, "verification."+status, "by the API")
	v, err = s.verificationOf(ctx, c)
	if err == nil && status == VerificationApproved {
		s.obs.VerificationApproved(v.Channel)
	}
	return v, err
}

// auditVerification writes an event of verification c into its project's
// audit log: its SID, number (masked) and what happened; never a code. The
// change it tells of is done: an event that cannot be written is logged.
func (s *Service) auditVerification(ctx context.Context, c Challenge, kind, what string) {
	e := AuditEvent{ProjectID: c.ProjectID, Kind: kind, At: s.now(),
		Detail: c.ID + " to " + MaskPhone(c.Phone) + ": " + what}
	if err := s.store.AddAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error().Err(err).Str("kind", kind).Msg("verification not audited")
	}
}
