package phonegate

import (
	"bytes"
	"context"
	"crypto/subtle"
	"image/png"
	"strconv"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The authenticator app (RFC 6238) as every app supports it: 30-second
// steps, 6 digits, SHA-1, a window of one step either side of the server's
// clock. A code works once: the last accepted step is the factor's
// counter, and a code for a step at or below it fails.
const (
	TOTPPeriod  = 30 * time.Second
	totpSkew    = 1 // steps either side
	totpIssuer  = "phonegate"
	totpQRSize  = 240    // pixels, each side of the QR code
	RevealTOTP  = "totp" // the otpauth:// URL of a new authenticator app, shown once
	totpAppName = "Authenticator app"
)

// What the pages say about the authenticator app.
const (
	msgTOTPMalformed = "Enter the 6-digit code that your authenticator app shows."
	msgTOTPRefused   = "That code from the authenticator app is not valid. Wait for the next one and try again."
	msgTOTPHaveOne   = "You have an authenticator app already: remove it first to add another."
	msgTOTPNone      = "There is no authenticator app to confirm: add one first."
	msgFactorUnknown = "That factor does not exist."
)

// errTOTPRefused is the one answer for an app code that did not pass:
// wrong, replayed, or refused by the lock's count.
var errTOTPRefused = &Error{Code: EInvalid, Message: msgTOTPRefused, Cause: ErrCodeRefused}

var totpOpts = totp.ValidateOpts{Period: uint(TOTPPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// FactorWords names a kind of factor for people and the audit log.
func FactorWords(kind string) string {
	if kind == FactorTOTP {
		return "authenticator app"
	}
	return kind
}

// factorTitle names factor f for a notice: its kind, and a passkey's name.
func factorTitle(f Factor) string {
	if f.Kind == FactorPasskey {
		return FactorWords(f.Kind) + " “" + f.Name + "”"
	}
	return FactorWords(f.Kind)
}

// factorLabel binds a factor's sealed secret to its kind and user.
func factorLabel(kind string, userID int64) string {
	return "factor " + kind + " " + strconv.FormatInt(userID, 10)
}

// TOTPCode returns the code that an authenticator app with the base32
// secret shows at t; "" for a secret that is not base32.
func TOTPCode(secret string, t time.Time) string {
	code, err := totp.GenerateCodeCustom(secret, t, totpOpts)
	if err != nil {
		return ""
	}
	return code
}

// totpStep returns the time step within the window around now whose code
// is code, comparing in constant time; ok is false when none is.
func totpStep(secret, code string, now time.Time) (step int64, ok bool) {
	period := int64(TOTPPeriod / time.Second)
	at := now.Unix() / period
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		want := TOTPCode(secret, time.Unix((at+d)*period, 0))
		if want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = at+d, true
		}
	}
	return step, ok
}

// Factors lists user u's factors beside the phone, confirmed or not.
func (s *Service) Factors(ctx context.Context, u User) ([]Factor, error) {
	return s.store.Factors(ctx, u.ID)
}

// factorOf returns u's factor of kind, the confirmed one when confirmed
// is set, else the one waiting for its first code.
func (s *Service) factorOf(ctx context.Context, u User, kind string, confirmed bool) (Factor, bool, error) {
	fs, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return Factor{}, false, err
	}
	for _, f := range fs {
		if f.Kind == kind && f.Confirmed() == confirmed {
			return f, true, nil
		}
	}
	return Factor{}, false, nil
}

// StartTOTP makes a new authenticator-app secret for user u, who proved
// their password again: it waits unconfirmed for a first code
// (ConfirmTOTP), and its otpauth:// URL waits to be shown once to session
// sess (TOTPEnrollment). A user has at most one app.
func (s *Service) StartTOTP(ctx context.Context, u User, sess Session) error {
	if _, ok, err := s.factorOf(ctx, u, FactorTOTP, true); err != nil {
		return err
	} else if ok {
		return &Error{Code: EConflict, Message: msgTOTPHaveOne}
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.Email,
		Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return err
	}
	f := Factor{UserID: u.ID, Kind: FactorTOTP, Name: totpAppName, Secret: s.keys.Seal(factorLabel(FactorTOTP, u.ID), key.Secret())}
	if _, err := s.store.AddFactor(ctx, f, s.now()); err != nil {
		return err
	}
	return s.KeepReveal(ctx, u.ID, sess, RevealTOTP, key.URL())
}

// TOTPShown is a new authenticator app's secret, as the page shows it once.
type TOTPShown struct {
	Secret string // base32, for typing into the app
	URL    string // otpauth://totp/phonegate:EMAIL?secret=...&issuer=phonegate
	PNG    []byte // the URL as a QR code
}

// TOTPEnrollment returns the new secret waiting to be shown to session
// sess, and forgets it; ok is false when it was shown already.
func (s *Service) TOTPEnrollment(ctx context.Context, u User, sess Session) (TOTPShown, bool, error) {
	url, ok, err := s.TakeReveal(ctx, u.ID, sess, RevealTOTP)
	if err != nil || !ok {
		return TOTPShown{}, false, err
	}
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return TOTPShown{}, false, err
	}
	img, err := key.Image(totpQRSize, totpQRSize)
	if err != nil {
		return TOTPShown{}, false, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return TOTPShown{}, false, err
	}
	return TOTPShown{Secret: key.Secret(), URL: url, PNG: b.Bytes()}, true, nil
}

// ConfirmTOTP makes user u's new authenticator app count, once typed is
// a code of its secret; the step of that code is used up with it. A wrong
// code here counts toward nothing: the session holds the secret already.
func (s *Service) ConfirmTOTP(ctx context.Context, u User, typed string) error {
	code := NormalizeCode(typed)
	if code == "" {
		return &Error{Code: EInvalid, Message: msgTOTPMalformed}
	}
	f, ok, err := s.factorOf(ctx, u, FactorTOTP, false)
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Code: EConflict, Message: msgTOTPNone}
	}
	secret, err := s.keys.Open(factorLabel(f.Kind, u.ID), f.Secret)
	if err != nil {
		return err
	}
	step, ok := totpStep(secret, code, s.now())
	if !ok {
		return errTOTPRefused
	}
	if err := s.store.ConfirmFactor(ctx, u.ID, f.ID, step, s.now()); err != nil {
		return err
	}
	s.log.Info().Int64("user", u.ID).Msg("authenticator app added")
	s.notify(ctx, NoticeFactorAdded, u, Notice{Link: s.publicURL("/account"), Factor: FactorWords(f.Kind)})
	return nil
}

// RemoveFactor removes user u's factor id, which they proved their
// password again for, and returns it.
func (s *Service) RemoveFactor(ctx context.Context, u User, id int64) (Factor, error) {
	fs, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return Factor{}, err
	}
	for _, f := range fs {
		if f.ID != id {
			continue
		}
		if err := s.store.RemoveFactor(ctx, u.ID, id, s.now()); err != nil {
			return Factor{}, err
		}
		if f.Confirmed() {
			s.log.Info().Int64("user", u.ID).Str("kind", f.Kind).Msg("factor removed")
			s.notify(ctx, NoticeFactorRemoved, u, Notice{Link: s.publicURL("/account"), Factor: factorTitle(f)})
		}
		return f, nil
	}
	return Factor{}, &Error{Code: ENotFound, Message: msgFactorUnknown, Cause: ErrNotFound}
}
