package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
	"github.com/phonegate/phonegate/handlers/twilio"
)

// SendCodeForTest lets the external tests send a code as the pages do.
// Only the service places an automatic send: automatic must be false.
func (s *Server) SendCodeForTest(ctx context.Context, ch phonegate.Challenge, channel string, automatic bool) (phonegate.Delivery, error) {
	if automatic {
		return phonegate.Delivery{}, errors.New("an automatic send is the service's own")
	}
	return s.svc.SendCode(ctx, ch, channel, "")
}

// TwilioSignedForTest wraps h in the webhooks' signature middleware.
func (s *Server) TwilioSignedForTest(h http.Handler) http.Handler {
	return s.hooks.Signed("test", func(w http.ResponseWriter, r *http.Request, _ *twilio.Params) { h.ServeHTTP(w, r) })
}

// DeliveryWordsForTest is phonegate.DeliveryWords.
var DeliveryWordsForTest = phonegate.DeliveryWords

// UserMessageForTest returns the words fail would show for err, and its
// status; ok is false when err is not the user's to fix.
func UserMessageForTest(err error) (status int, msg string, ok bool) {
	ue, ok := errors.AsType[*phonegate.Error](err)
	if !ok {
		return 0, "", false
	}
	return httpx.ErrorStatus(ue), ue.Message, true
}

// NewSignerForTest returns the webhooks' own signature check for one
// token, built once as the middleware builds it.
func NewSignerForTest(authToken string) func(fullURL string, form url.Values, sig string) bool {
	return twilio.NewSigner(authToken).Valid
}
