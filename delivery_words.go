package phonegate

import (
	"strconv"
	"strings"
)

// DeliveryWords says the state of a delivery for people: "Queued", "Sent",
// "Delivered", "Not delivered: the phone is off or out of coverage (30003
// unreachable)", "Ringing", "Answered", "No answer", "Busy", "Call ended".
// It never says anything secret, so the code page and /verify/status can
// show it as it is.
func DeliveryWords(d Delivery) string {
	call := d.Channel == ChannelCall
	switch d.Status {
	case "queued", "accepted", "scheduled":
		return "Queued"
	case "initiated":
		return "Calling"
	case "sending":
		return "Sending"
	case "sent":
		return "Sent"
	case "delivered":
		return "Delivered"
	case "read":
		return "Read"
	case "ringing":
		return "Ringing"
	case "in-progress", "answered":
		return "Answered"
	case "completed":
		return "Call ended"
	case "busy":
		return "Busy"
	case "no-answer":
		return "No answer"
	case "canceled":
		return "Cancelled"
	case "undelivered":
		return withReason("Not delivered", d.ErrorCode)
	case "failed":
		if call {
			return withReason("Call failed", d.ErrorCode)
		}
		return withReason("Failed", d.ErrorCode)
	}
	if d.Status == "" {
		return "Unknown"
	}
	return strings.ToUpper(d.Status[:1]) + strings.ReplaceAll(d.Status[1:], "-", " ")
}

// twilioErrors are the error codes a delivery commonly ends with, in words:
// what happened, and Twilio's short name for it.
var twilioErrors = map[int]struct{ long, short string }{
	30003: {"the phone is off or out of coverage", "unreachable"},
	30004: {"the number blocks our messages", "blocked"},
	30005: {"the number does not exist or is no longer in service", "unknown number"},
	30006: {"the number is a landline or its carrier cannot take texts", "landline or unreachable carrier"},
	30007: {"the carrier filtered it as spam", "filtered"},
	30008: {"the carrier gave no reason", "unknown error"},
	21610: {"the number replied STOP to our messages", "opted out"},
	21211: {"the number is not valid", "invalid number"},
	21614: {"the number cannot take text messages", "not a mobile number"},
	21408: {"sending to that country is not enabled", "not permitted"},
	21612: {"there is no route to that number", "no route"},
	20003: {"the server's Twilio credentials were refused", "authentication failed"},
}

// withReason adds the reason of an error code to what happened.
func withReason(what string, code int) string {
	if code == 0 {
		return what
	}
	if e, ok := twilioErrors[code]; ok {
		return what + ": " + e.long + " (" + strconv.Itoa(code) + " " + e.short + ")"
	}
	return what + " (error " + strconv.Itoa(code) + ")"
}
