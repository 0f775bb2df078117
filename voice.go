package phonegate

import (
	"time"
)

// VoiceDelivery is what the voice webhook needs to answer a call: which
// challenge it speaks for, the project named in the greeting, the
// challenge's state and sealed code, and the call the delivery placed,
// read fresh at every request.
type VoiceDelivery struct {
	ID          string
	ChallengeID string
	Channel     string
	Label       string
	State       string
	ExpiresAt   time.Time
	CodeSealed  []byte // nil once the challenge has ended
	SID         string // the call's SID; empty until the REST answer or the first webhook stores it
	Status      string // the delivery's status
}

// Speakable reports whether the call may read the code at now: a call
// delivery that has not ended, of a pending, unexpired challenge that
// still has its code. Whether the request comes from the delivery's own
// call is for the caller to check against SID (see BindCallSID).
func (v VoiceDelivery) Speakable(now time.Time) bool {
	return v.Channel == ChannelCall && !DeliveryFinal(v.Status) &&
		v.State == ChallengePending && now.Before(v.ExpiresAt) && len(v.CodeSealed) > 0
}
