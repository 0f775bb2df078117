package web

import (
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// codeKind is the one state the code page is in. The HTML page and
// /verify/status both show the codeState that codeStateOf derives from the
// challenge, so that they cannot disagree.
type codeKind string

const (
	codeNone      codeKind = "none"      // nothing sent yet: the user picks how to get the code
	codeSent      codeKind = "sent"      // a code is on its way (each delivery's state is shown live)
	codeAutoCall  codeKind = "auto_call" // the SMS did not arrive; the automatic call was placed
	codeFailed    codeKind = "failed"    // every delivery so far failed
	codeOptedOut  codeKind = "opted_out" // the number replied STOP and nothing went by call yet
	codeWrong     codeKind = "wrong"     // 1 to 4 wrong codes: the code still works
	codeLimited   codeKind = "limited"   // no send can go now: the challenge's, the number's or the day's limit
	codeDead      codeKind = "dead"      // 5 wrong codes: the code no longer works
	codeExpired   codeKind = "expired"   // the code's 10 minutes are over
	codeCancelled codeKind = "cancelled" // the phone replied NO
	codeLocked    codeKind = "locked"    // the user's second factor is locked
	codeApproved  codeKind = "approved"  // an SMS reply approved it: the page claims it
	codePassed    codeKind = "passed"    // used: the page moves on
)

// codeState is the code page in one state.
type codeState struct {
	Kind codeKind
	// Message is the state's one notice, "" for none; "{at}" in it stands
	// for At, which the page shows in the browser's local time.
	Message   string
	At        time.Time
	CodeBox   bool // the code can be typed
	TriesLeft int  // wrong codes the code still takes; shown once one was wrong
	// Buttons are the ways to get a code, the main one first; none when no
	// send can work.
	Buttons []verifyButton
	// NewCode is set when a send makes a new code: the hint about this
	// code's sends and life is not shown then.
	NewCode   bool
	ResendAt  time.Time // the end of the 30-second wait; zero when none
	SendsLeft int
	// Hint says why a channel is not offered (STOP, no SMS, its daily cap).
	Hint        string
	Reply       bool // offer verification by reply
	Emergency   bool // offer the emergency code
	LockedUntil time.Time
}

// deliveryFailed reports whether d will not bring the code to the phone.
func deliveryFailed(d phonegate.Delivery) bool {
	return phonegate.DeliveryOutcome(d.Channel, d.Status) == phonegate.OutcomeFailed
}

// codeStateOf derives the code page's state from f. The order of the
// cases is the order in which one state hides another: a lock hides
// everything; a code that no longer works hides its deliveries.
func codeStateOf(f phonegate.CodeFacts) codeState {
	c, now := f.Challenge, f.Now
	st := codeState{SendsLeft: max(0, phonegate.MaxChallengeSends-c.Sends), ResendAt: resendAt(c, now)}
	if now.Before(f.LockedUntil) {
		// Nothing can work while the lock holds: one message, no forms.
		return codeState{Kind: codeLocked, LockedUntil: f.LockedUntil, At: f.LockedUntil,
			Message: "Too many failed attempts: two-factor verification is locked until {at}. Try again then."}
	}
	switch c.State {
	case phonegate.ChallengeUsed:
		return codeState{Kind: codePassed}
	case phonegate.ChallengeApproved:
		if c.Live(now) {
			return codeState{Kind: codeApproved, Message: "Your reply was received: moving on."}
		}
	}

	var smsFailed, callFailed, sentSMS, sentCall bool
	allFailed := len(f.Deliveries) > 0
	for _, d := range f.Deliveries {
		failed := deliveryFailed(d)
		allFailed = allFailed && failed
		if d.Channel == phonegate.ChannelCall {
			sentCall, callFailed = true, callFailed || failed
		} else {
			sentSMS, smsFailed = true, smsFailed || failed
		}
	}
	live := c.Live(now)
	st.CodeBox = live && len(f.Deliveries) > 0
	st.Emergency = f.Emergency
	// A challenge from before reply MACs has no reply code to offer.
	st.Reply = live && len(c.ReplyMAC) > 0 && (smsFailed || callFailed || f.OptedOut)
	if c.Checks > 0 && c.Checks < phonegate.MaxChecks {
		st.TriesLeft = phonegate.MaxChecks - c.Checks
	}

	// Which channels can carry a code now, whatever this challenge did.
	smsOK := !f.OptedOut && !f.NoSMS && !f.Blocks.DailySMS
	callOK := !f.Blocks.DailyCalls
	numberBlocked := now.Before(f.Blocks.NumberUntil)
	switch {
	case f.OptedOut:
		st.Hint = "No text messages go to this number: it replied STOP. Text START from it to receive them again."
	case f.NoSMS:
		st.Hint = "This number cannot receive text messages: the code comes by voice call."
	case f.Blocks.DailySMS && callOK:
		st.Hint = "This server has sent all the text messages it may send today: the code comes by voice call."
	case f.Blocks.DailyCalls && smsOK:
		st.Hint = "This server has placed all the calls it may place today: the code comes by text message."
	}

	ended := ""
	switch {
	case c.State == phonegate.ChallengeCancelled:
		st.Kind, ended = codeCancelled, "This code was cancelled: the phone it went to replied NO, saying that nobody there asked for it. "+
			"If that was you by mistake, send a new code; if not, someone else knows your password: change it once you are in."
	case c.Checks >= phonegate.MaxChecks:
		st.Kind, ended = codeDead, "Too many wrong codes: this code no longer works. Send a new code."
	case !live:
		st.Kind, ended = codeExpired, "This code has expired. Send a new code."
	}
	if ended != "" {
		st.CodeBox, st.Reply, st.NewCode, st.TriesLeft, st.ResendAt = false, false, true, 0, time.Time{}
		st.Message = ended
		if numberBlocked || (!smsOK && !callOK) {
			st.Message, st.At = limitWords(f, numberBlocked, ended)
			return st
		}
		st.Buttons = codeButtons(f, smsOK, callOK, true, false, false, smsFailed, callFailed)
		return st
	}

	if numberBlocked || (!smsOK && !callOK) || c.Sends >= phonegate.MaxChallengeSends {
		st.Kind, st.ResendAt = codeLimited, time.Time{}
		lead := ""
		if st.CodeBox {
			lead = "Type the code you already got. "
		}
		if c.Sends >= phonegate.MaxChallengeSends && !numberBlocked && (smsOK || callOK) {
			st.At = c.ExpiresAt
			st.Message = lead + fmt.Sprintf("This code was sent %d times, the most it may be; "+
				"a new code can be sent once it expires, at {at}.", phonegate.MaxChallengeSends)
			return st
		}
		st.Message, st.At = limitWords(f, numberBlocked, lead)
		return st
	}

	st.Buttons = codeButtons(f, smsOK, callOK, false, sentSMS, sentCall, smsFailed, callFailed)
	last := phonegate.Delivery{}
	if n := len(f.Deliveries); n > 0 {
		last = f.Deliveries[n-1]
	}
	switch {
	case st.TriesLeft > 0:
		st.Kind, st.Message = codeWrong, fmt.Sprintf("That code is not valid: %s left.", plural(st.TriesLeft, "try", "tries"))
	case len(f.Deliveries) == 0 && f.OptedOut:
		st.Kind, st.Message, st.Hint = codeOptedOut, "This number replied STOP to our text messages, so none are sent to it: "+
			"get a call instead, or text START from it to receive text messages again.", ""
	case len(f.Deliveries) == 0:
		st.Kind, st.Message = codeNone, "Nothing has been sent yet: choose how to get your code."
	case smsFailed && c.AutoCallDone && !callFailed:
		st.Kind, st.Message = codeAutoCall, "The text message did not reach your phone, so we are calling you with the code instead."
	case allFailed && last.Channel == phonegate.ChannelCall:
		st.Kind, st.Message = codeFailed, "The call was not answered."+otherWay(smsOK, "You can get a text message instead.")
	case allFailed:
		st.Kind, st.Message = codeFailed, "The text message did not reach your phone."+otherWay(callOK, "You can get a call instead.")
	default:
		st.Kind, st.Message = codeSent, "The code is on its way by text message."
		if last.Channel == phonegate.ChannelCall {
			st.Message = "The code is on its way by voice call."
		}
	}
	return st
}

// codeButtons returns the send buttons, the main one first: the user's
// preferred channel, unless this challenge shows it failing and the other
// one can go.
func codeButtons(f phonegate.CodeFacts, smsOK, callOK, newCode, sentSMS, sentCall, smsFailed, callFailed bool) []verifyButton {
	sms := verifyButton{Channel: phonegate.ChannelSMS, Label: "Text me a code"}
	call := verifyButton{Channel: phonegate.ChannelCall, Label: "Call me"}
	switch {
	case newCode:
		sms.Label, call.Label = "Send a new code by text message", "Send a new code by call"
	default:
		if sentSMS {
			sms.Label = "Text me the code again"
		}
		if sentCall {
			call.Label = "Call me again"
		}
	}
	first := f.Preferred
	if first == phonegate.ChannelSMS && smsFailed && !callFailed && callOK {
		first = phonegate.ChannelCall
	} else if first == phonegate.ChannelCall && callFailed && !smsFailed && smsOK {
		first = phonegate.ChannelSMS
	}
	var bs []verifyButton
	if first == phonegate.ChannelCall {
		if callOK {
			bs = append(bs, call)
		}
		if smsOK {
			bs = append(bs, sms)
		}
	} else {
		if smsOK {
			bs = append(bs, sms)
		}
		if callOK {
			bs = append(bs, call)
		}
	}
	return bs
}

// resendAt is when the 30-second wait after the challenge's last send ends,
// or zero when there is none to wait.
func resendAt(c phonegate.Challenge, now time.Time) time.Time {
	if at := c.LastSendAt.Add(phonegate.SendCooldown); c.Sends > 0 && at.After(now) {
		return at
	}
	return time.Time{}
}
