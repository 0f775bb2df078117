package phonegate

import (
	"time"
)

// Challenge purposes and states.
const (
	PurposeEnroll = "enroll" // verifying a new phone
	PurposeLogin  = "login"  // the second step of a login
	PurposeVerify = "verify" // a verification of the Verify API: no user, no session

	ChallengePending   = "pending"
	ChallengeApproved  = "approved"  // approved by an SMS reply; the page still has to claim it
	ChallengeUsed      = "used"      // passed: a code or a reply was accepted
	ChallengeDead      = "dead"      // too many wrong codes, or expired
	ChallengeCancelled = "cancelled" // the holder said NO, or a reset
)

// Challenge is one round of "prove you hold this phone".
type Challenge struct {
	ID           string
	UserID       int64
	SessionHash  []byte // the session that asked for it; only that session may answer
	Purpose      string
	Label        string // the project named in the SMS and the call
	Phone        string // E.164
	CodeMAC      []byte // HMAC of the challenge ID and the code
	CodeSealed   []byte // the code, AES-GCM sealed, for the voice webhook; nil once the challenge ends
	ReplyMAC     []byte // keyed hash of the phone and the reply code the holder may text back instead; nil for none
	State        string
	Checks       int // wrong-or-right checks so far
	Sends        int
	LastSendAt   time.Time
	AutoCallDone bool
	CreatedAt    time.Time
	ExpiresAt    time.Time
	ServiceSID   string // the Verify service (VA…) of a verification; "" for the others
	ProjectID    int64  // the project of a verification; 0 for the others
}

// Live reports whether the challenge can still be answered at now.
func (c Challenge) Live(now time.Time) bool {
	return (c.State == ChallengePending || c.State == ChallengeApproved) && now.Before(c.ExpiresAt)
}

// Delivery statuses, in the order a delivery moves through them. A status
// update never moves a delivery to a lower rank (DeliveryRank).
const (
	ChannelSMS  = "sms"
	ChannelCall = "call"
)

// Delivery is one SMS or call carrying a challenge's code.
type Delivery struct {
	ID          string
	ChallengeID string
	Channel     string // "sms" or "call"
	To          string
	SID         string // Twilio's message or call SID; empty until the send is accepted
	Status      string // Twilio's status words: queued, sent, delivered, undelivered, failed, ringing, ...
	ErrorCode   int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
