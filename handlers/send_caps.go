package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/phonegate/phonegate"
)

// sendAddr is the client address that the per-address send cap counts
// (store.MaxAddressSends): the client's address bucket (addrBucket).
func (s *Server) sendAddr(r *http.Request) string { return addrBucket(s.clientAddr(r)) }

// capRefusal turns a send refused by one of the caps of store/sendcaps.go
// into words. Past the global daily cap nothing is sent by that channel
// until the next UTC day: the operator must know, so it is logged as an
// error and written to the audit log of the user who was refused.
func (s *Server) capRefusal(ctx context.Context, ch phonegate.Challenge, channel string, le *phonegate.SendLimitError, err error) error {
	after := s.retryTime(le.RetryAt)
	switch le.Reason {
	case phonegate.LimitSession:
		return refused(phonegate.ELimited, "Too many codes were asked for in this session; try again after "+after+".", err)
	case phonegate.LimitAddress:
		return refused(phonegate.ELimited, "Too many codes were asked for from your network; try again after "+after+".", err)
	case phonegate.LimitNewNumbers:
		return refused(phonegate.ELimited, fmt.Sprintf("This account has tried %d new phone numbers today, the most it may; "+
			"use one of those, or try again after %s.", phonegate.MaxNewNumbers, after), err)
	case phonegate.LimitRange:
		return refused(phonegate.ELimited, "Too many phone numbers close to this one were tried in the last hour; "+
			"try again after "+after+".", err)
	case phonegate.LimitDaily:
		return s.dailyCapReached(ctx, ch, channel, err)
	default:
		return refused(phonegate.ELimited, "Too many codes were sent; try again later.", err)
	}
}

// dailyCapReached answers a send past the global daily cap of channel.
func (s *Server) dailyCapReached(ctx context.Context, ch phonegate.Challenge, channel string, err error) error {
	limit, what, other := s.caps.Of(channel), "text messages", "a voice call"
	if channel == phonegate.ChannelCall {
		what, other = "calls", "a text message"
	}
	s.log.Error().Str("channel", channel).Int("daily_cap", limit).
		Msgf("daily cap of %d %s reached: no more are sent until 00:00 UTC", limit, what)
	detail := fmt.Sprintf("%s to %s not sent: the server's daily cap of %d %s is reached",
		channelWords(channel), phonegate.MaskPhone(ch.Phone), limit, what)
	if aerr := s.db.AddUserAudit(context.WithoutCancel(ctx), phonegate.AuditEvent{UserID: ch.UserID, Kind: "code.daily_cap",
		Detail: detail, At: s.now()}); aerr != nil {
		s.log.Error().Err(aerr).Msg("audit the daily send cap")
	}
	return refused(phonegate.EUnavailable, "Codes cannot be sent now: this server has sent all the "+what+
		" it may send today. Try "+other+", or try again after 00:00 UTC.", err)
}
