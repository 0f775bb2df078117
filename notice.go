package phonegate

import (
	"context"
	"time"
)

// Kinds of notice: the email the domain sends to tell users what happened
// to their account, and invitations.
const (
	NoticeInvite           = "invite"            // an existing account was invited to a project
	NoticeEmailProof       = "email-proof"       // a new account: the link that proves the address and sets the password
	NoticePhoneChanged     = "phone-changed"     // a new phone was verified in place of another
	NoticeEmergencyUsed    = "emergency-used"    // the emergency code was used
	NoticeEmergencyRenewed = "emergency-renewed" // a new emergency code was made
	NoticePasswordChanged  = "password-changed"  // the password was changed
	NoticeReset            = "reset"             // an admin reset the user's two-factor authentication
	NoticeLevelChanged     = "level-changed"     // a project's two-factor level changed
	NoticeFailedCodes      = "failed-codes"      // the right password, then wrong codes
	NoticeFactorAdded      = "factor-added"      // a factor beside the phone was added
	NoticeFactorRemoved    = "factor-removed"    // a factor beside the phone was removed
)

// Notice is one email of a kind to one address, with what it says.
type Notice struct {
	Kind string
	To   string
	// Dedupe, when set, lets one notice with this key go ever.
	Dedupe string

	Link               string    // where the message sends the reader
	Project            string    // the project's name
	Role               string    // the role offered by an invitation
	By                 string    // who did it: the inviter, the admin, the owner who changed a level
	OldPhone, NewPhone string    // masked numbers (MaskPhone)
	OldLevel, NewLevel string    // two-factor levels in words
	At                 time.Time // when it happened
	Expires            time.Time // when a link stops working; zero for none
	// Unclaimed marks an invitation to an account that already existed but
	// never chose its password: its message carries a fresh link, which
	// replaces the older one.
	Unclaimed bool
	// RecoveryCode is the one-time code that a reset may send to its user,
	// for their next enrollment; empty when the reset sends none.
	RecoveryCode string
	// Factor names the factor added or removed, in words (FactorWords).
	Factor string
}

// Mailer queues notices: mail.Outbox renders and sends them, retrying. A
// notice is queued in the request that causes it and sent later, so a
// dead mail server never fails that request.
type Mailer interface {
	Notify(ctx context.Context, n Notice) error
}
