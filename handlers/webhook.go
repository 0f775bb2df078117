package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/twilio/twilio-go/client"

	"github.com/phonegate/phonegate/twiml"
)

// maxWebhookBytes bounds a webhook's form. Twilio's largest, an inbound
// message, is a few kilobytes.
const maxWebhookBytes = 64 << 10

// twilioSignatureHeader carries Twilio's signature of a webhook request.
const twilioSignatureHeader = "X-Twilio-Signature"

// twilioSigned wraps a webhook: it reads the form, bounded, and lets the
// request through only when X-Twilio-Signature is Twilio's signature of the
// public URL of the request and its POST parameters. A malformed form gets
// 400 and a missing or bad signature 403, before the handler can change
// anything. The signer's single HMAC over the URL as given decides almost
// every genuine request; twilio-go's validator, several times dearer, is
// asked only when that fails.
func (s *Server) twilioSigned(h http.HandlerFunc) http.Handler {
	fast := newSigner(s.cfg.TwilioAuthToken)
	validator := client.NewRequestValidator(s.cfg.TwilioAuthToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBytes)
		if err := r.ParseForm(); err != nil {
			status := http.StatusBadRequest
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, "bad request", status)
			return
		}
		sig := r.Header.Get(twilioSignatureHeader)
		fullURL := s.publicURL(r.URL.RequestURI())
		if sig == "" || !fast.valid(fullURL, r.PostForm, sig) && !validator.Validate(fullURL, signedParams(r.PostForm), sig) {
			s.log.Warn().Str("path", r.URL.Path).Bool("signature", sig != "").Msg("twilio webhook refused: bad signature")
			http.Error(w, "Twilio request validation failed", http.StatusForbidden)
			return
		}
		h(w, r)
	})
}

// signedParams folds a form into the map that twilio-go's validator signs.
//
// Twilio signs the URL followed by each parameter name and value, sorted by
// name; a name that repeats contributes name+value once per distinct value,
// values sorted (as Twilio's Node.js library computes it). twilio-go's
// validator takes one value per name and its ValidateBody keeps only the
// first, which refuses genuine requests with a repeated parameter. Since the
// validator writes name+value for each entry, a repeated name folds into the
// single value v1+name+v2+name+v3, which signs exactly name+v1 name+v2 name+v3.
func signedParams(form url.Values) map[string]string {
	m := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) == 1 {
			m[k] = vs[0]
			continue
		}
		m[k] = strings.Join(signedValues(vs), k)
	}
	return m
}

// signedValues returns the distinct values of a repeated parameter in the
// order Twilio signs them: JavaScript's default sort, which compares UTF-16
// code units.
func signedValues(vs []string) []string {
	vs = slices.Clone(vs)
	slices.SortFunc(vs, compareUTF16)
	return slices.Compact(vs)
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
func deliveryParam(r *http.Request) string { return r.URL.Query().Get("d") }
