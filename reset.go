package phonegate

import (
	"context"
	"errors"
	"strconv"
)

// The words of a reset refused by the store, which checks consent and
// authority again in the reset's own transaction.
const (
	// pendingResetMsg refuses a reset of a member who has not accepted: the
	// reset reaches their whole account, which adding them did not make
	// this project's to manage.
	pendingResetMsg = "That member has not accepted the invitation to this project yet, " +
		"so their two-factor authentication cannot be reset from here."
	outsideResetMsg = "This member also belongs to projects you do not administer, so you cannot reset their " +
		"two-factor authentication: only someone who is an owner or admin of every project they belong to can, " +
		"or an operator on the server with phonegate user reset-2fa --email followed by their address."
)

// ResetSecondFactor resets the second factor of the user with email, with
// no project's authority: for the command line (actorID 0). It returns the
// one-time recovery code the user needs to verify a new phone, valid
// RecoveryLife, for the operator to hand over; only its keyed hash is
// kept. A project's members page resets through ResetMember, which needs
// the member's consent and authority over their projects.
func (s *Service) ResetSecondFactor(ctx context.Context, email string, actorID int64) (recoveryCode string, err error) {
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	code, mac := s.newRecoveryCode(u.ID)
	if err := s.store.ResetSecondFactor(ctx, u.ID, actorID, mac, s.now()); err != nil {
		return "", err
	}
	s.notifyReset(ctx, u, "", "The server's operator", code)
	return code, nil
}

// ResetRefusal says why actor, whose session is elevated or not, may not
// reset member t's second factor, or "" when they may.
func ResetRefusal(actor User, elevated bool, t Member) string {
	switch {
	case t.User.ID == actor.ID:
		return "Change your own phone on the account page."
	case t.Pending:
		return pendingResetMsg
	case !elevated:
		return "Authenticate to make changes: enter your password, then reset again."
	}
	return ""
}

// ResetMember resets the second factor of member t of project p on behalf
// of actor, for one who lost both the phone and the emergency code, and
// tells t by email. The caller checked ResetRefusal; the store checks
// again, in the reset's own transaction, that t accepted p and that actor
// has authority over every project t accepted, and a refusal is an *Error
// in words. It returns the one-time recovery code t needs to verify a new
// phone, to be shown to actor once.
func (s *Service) ResetMember(ctx context.Context, p Project, actor User, t Member) (recoveryCode string, err error) {
	code, mac := s.newRecoveryCode(t.User.ID)
	err = s.store.ResetMemberSecondFactor(ctx, p.ID, t.User.ID, actor.ID, mac, s.now())
	if errors.Is(err, ErrPending) {
		return "", &Error{Code: EConflict, Message: pendingResetMsg, Cause: err}
	}
	if errors.Is(err, ErrOutsideAuthority) {
		return "", &Error{Code: EForbidden, Message: outsideResetMsg, Cause: err}
	}
	if err != nil {
		return "", err
	}
	s.log.Info().Int64("project", p.ID).Int64("user", t.User.ID).Int64("by", actor.ID).Msg("second factor reset")
	s.notifyReset(ctx, t.User, p.Name, actor.Email, code)
	return code, nil
}

// newRecoveryCode makes a one-time recovery code for userID and the keyed
// hash that the store keeps of it: the code is shown once and never stored.
// It reads like an emergency code, with as many random bits.
func (s *Service) newRecoveryCode(userID int64) (code string, mac []byte) {
	code = s.newEmergencyCode()
	return code, s.recoveryMAC(userID, code)
}

// recoveryMAC is the keyed hash of a recovery code, bound to its user so
// that one user's code is worth nothing for another.
func (s *Service) recoveryMAC(userID int64, code string) []byte {
	return s.keys.CodeMAC("recovery "+strconv.FormatInt(userID, 10), code)
}

// notifyReset tells u that by, managing project, reset their second
// factor. recoveryCode, when not empty, is the one-time code their next
// enrollment asks for, sent to them in the message; "" sends none.
func (s *Service) notifyReset(ctx context.Context, u User, project, by, recoveryCode string) {
	s.notify(ctx, NoticeReset, u, Notice{Link: s.publicURL("/login"), Project: project, By: by,
		RecoveryCode: recoveryCode})
}
