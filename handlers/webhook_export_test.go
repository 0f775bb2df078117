package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/phonegate/phonegate/store"
)

// SendCodeForTest lets the external tests send a code as the pages do.
func (s *Server) SendCodeForTest(ctx context.Context, ch store.Challenge, channel string, automatic bool) (store.Delivery, error) {
	return s.sendCode(ctx, ch, channel, automatic)
}

// TwilioSignedForTest wraps h in the webhooks' signature middleware.
func (s *Server) TwilioSignedForTest(h http.Handler) http.Handler { return s.twilioSigned(h.ServeHTTP) }

// DeliveryWordsForTest is deliveryWords.
var DeliveryWordsForTest = deliveryWords

// UserMessageForTest returns the words fail would show for err, and its
// status; ok is false when err is not the user's to fix.
func UserMessageForTest(err error) (status int, msg string, ok bool) {
	ue, ok := errors.AsType[*userError](err)
	if !ok {
		return 0, "", false
	}
	return ue.status, ue.msg, true
}
