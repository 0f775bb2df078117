// Package softkey is a passkey authenticator in software, for tests: it
// answers the options a relying party hands to navigator.credentials
// (create and get) as a browser and a platform authenticator would,
// following WebAuthn Level 2: an ECDSA P-256 key per credential,
// attestation "none", a sign counter the test controls, user presence and
// verification flags set.
package softkey

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// Authenticator holds credentials made for one origin.
type Authenticator struct {
	// Origin is the origin the client data names, such as
	// "http://localhost:8080".
	Origin string
	// Counter is the sign count answers carry; Get adds one to it first
	// unless it is zero (an authenticator that keeps no count).
	Counter uint32
	creds   []*Credential
}

// Credential is one passkey of an Authenticator.
type Credential struct {
	ID         []byte
	RPID       string
	UserHandle []byte
	key        *ecdsa.PrivateKey
}

// New returns an authenticator whose answers come from origin.
func New(origin string) *Authenticator { return &Authenticator{Origin: origin} }

// Credentials returns the credentials made so far, oldest first.
func (a *Authenticator) Credentials() []*Credential { return a.creds }

var b64 = base64.RawURLEncoding

// options are the parts of creation and request options the
// authenticator reads.
type options struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		RPID string `json:"rpId"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		AllowCredentials []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"`
	} `json:"publicKey"`
}

// answer is a PublicKeyCredential as a browser's script sends it.
type answer struct {
	ID       string            `json:"id"`
	RawID    string            `json:"rawId"`
	Type     string            `json:"type"`
	Response map[string]string `json:"response"`
	Ext      struct{}          `json:"clientExtensionResults"`
}

// Create makes a credential for the creation options optionsJSON and
// returns the browser's answer (JSON).
func (a *Authenticator) Create(optionsJSON []byte) ([]byte, error) {
	var o options
	if err := json.Unmarshal(optionsJSON, &o); err != nil {
		return nil, fmt.Errorf("softkey: creation options: %w", err)
	}
	user, err := b64.DecodeString(o.PublicKey.User.ID)
	if err != nil {
		return nil, fmt.Errorf("softkey: user id: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	c := &Credential{ID: make([]byte, 16), RPID: o.PublicKey.RP.ID, UserHandle: user, key: key}
	rand.Read(c.ID)
	pub, err := key.PublicKey.Bytes() // 0x04 | X | Y
	if err != nil {
		return nil, err
	}
	cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: pub[1:33], -3: pub[33:]})
	if err != nil {
		return nil, err
	}
	auth := a.authData(c.RPID, 0x41) // user present, attested credential data
	auth = append(auth, make([]byte, 16)...)
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(c.ID)))
	auth = append(append(auth, c.ID...), cose...)
	att, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": auth})
	if err != nil {
		return nil, err
	}
	client := a.clientData("webauthn.create", o.PublicKey.Challenge)
	a.creds = append(a.creds, c)
	return json.Marshal(answer{ID: b64.EncodeToString(c.ID), RawID: b64.EncodeToString(c.ID), Type: "public-key",
		Response: map[string]string{"clientDataJSON": b64.EncodeToString(client), "attestationObject": b64.EncodeToString(att)}})
}

// Get answers the request options optionsJSON with the newest credential
// they allow (any of the relying party's when they list none).
func (a *Authenticator) Get(optionsJSON []byte) ([]byte, error) {
	var o options
	if err := json.Unmarshal(optionsJSON, &o); err != nil {
		return nil, fmt.Errorf("softkey: request options: %w", err)
	}
	allowed := map[string]bool{}
	for _, c := range o.PublicKey.AllowCredentials {
		allowed[c.ID] = true
	}
	for i := len(a.creds) - 1; i >= 0; i-- {
		c := a.creds[i]
		if c.RPID == o.PublicKey.RPID && (len(allowed) == 0 || allowed[b64.EncodeToString(c.ID)]) {
			if a.Counter != 0 {
				a.Counter++
			}
			return a.Sign(c, o.PublicKey.Challenge)
		}
	}
	return nil, errors.New("softkey: no credential for these options")
}

// Sign answers challenge (base64url, as the options carry it) with
// credential c and the counter as it is.
func (a *Authenticator) Sign(c *Credential, challenge string) ([]byte, error) {
	auth := a.authData(c.RPID, 0x05) // user present, user verified
	client := a.clientData("webauthn.get", challenge)
	sum := sha256.Sum256(client)
	digest := sha256.Sum256(append(append([]byte{}, auth...), sum[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(answer{ID: b64.EncodeToString(c.ID), RawID: b64.EncodeToString(c.ID), Type: "public-key",
		Response: map[string]string{"clientDataJSON": b64.EncodeToString(client), "authenticatorData": b64.EncodeToString(auth),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(c.UserHandle)}})
}

// authData is the start of the authenticator data: the relying party's
// ID hashed, flags (user verified is always added) and the counter.
func (a *Authenticator) authData(rpID string, flags byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags|0x04)
	return binary.BigEndian.AppendUint32(out, a.Counter)
}

// clientData is the client data JSON of a ceremony of typ.
func (a *Authenticator) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	return b
}
