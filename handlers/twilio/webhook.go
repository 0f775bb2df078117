package twilio

import (
	"errors"
	"net/http"

	"github.com/twilio/twilio-go/client"

	"github.com/phonegate/phonegate/twiml"
)

// MaxWebhookBytes bounds a webhook's form, and the answers the dev phone
// reads. Twilio's largest, an inbound message, is a few kilobytes.
const MaxWebhookBytes = 64 << 10

// handler is a webhook's handler: the request and its parameters, parsed
// once by Signed.
type handler func(w http.ResponseWriter, r *http.Request, p *Params)

// Signed wraps a webhook: it reads the form, bounded, and lets the
// request through only when X-Twilio-Signature is Twilio's signature of the
// public URL of the request and its POST parameters. A malformed form or
// query gets 400, a body past MaxWebhookBytes 413, and a missing or bad
// signature 403, before the handler can change anything. The signer's
// single HMAC over the URL as given decides almost every genuine request;
// twilio-go's validator, several times dearer, is asked only when that
// fails. A refusal for the signature is counted under route, the path
// pattern the webhook is registered at.
func (s *Webhooks) Signed(route string, h handler) http.Handler {
	fast := NewSigner(s.cfg.AuthToken)
	validator := client.NewRequestValidator(s.cfg.AuthToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxWebhookBytes)
		p, err := readParams(r)
		defer p.release()
		if err != nil {
			status := http.StatusBadRequest
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok || errors.Is(err, errTooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, "bad request", status)
			return
		}
		sig := r.Header.Get(SignatureHeader)
		fullURL := s.requestURL(r.URL)
		if sig == "" || !fast.ValidForm(fullURL, p.Post, sig) && !validator.Validate(fullURL, ValidatorParams(p.Post.Values()), sig) {
			s.log.Warn().Str("path", r.URL.Path).Bool("signature", sig != "").Msg("twilio webhook refused: bad signature")
			s.refused(route)
			http.Error(w, "Twilio request validation failed", http.StatusForbidden)
			return
		}
		h(w, r, p)
	})
}

// writeTwiML answers a webhook with a TwiML document. Twilio reads any
// status but 200 on a voice route as "application error", so this is the
// one answer of the voice and message routes, even for errors.
func writeTwiML(w http.ResponseWriter, doc *twiml.Response) {
	h := w.Header()
	h.Set("Content-Type", twiml.ContentType)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	doc.WriteTo(w)
}

// deliveryParam returns the opaque delivery ID of a webhook's URL.
func deliveryParam(p *Params) string { return p.Query.Get("d") }
