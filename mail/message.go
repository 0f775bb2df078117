// Package mail tells users by email what happened to their account and
// carries invitations: messages rendered from embedded templates, a queue
// in the store that a background worker sends (Outbox), an SMTP sender
// and, in dev mode, the dev mailbox. No message ever holds a code or an
// emergency code.
package mail

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/phonegate/phonegate"
)

// Message is one email, ready to send.
type Message struct {
	To      string
	Kind    string // the template it came from, for logs
	Subject string
	Text    string // the text/plain part
	HTML    string // the text/html alternative
}

// Sender sends one message. An error means it did not go and is tried
// again later.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// sealedBody is what the store keeps of a message, sealed.
type sealedBody struct {
	Subject string `json:"s"`
	Text    string `json:"t"`
	HTML    string `json:"h"`
}

// sealLabel binds a sealed message to its recipient, so that no other
// sealed value opens as one.
func sealLabel(to string) string { return "mail " + to }

func seal(keys *phonegate.Keys, m Message) ([]byte, error) {
	b, err := json.Marshal(sealedBody{Subject: m.Subject, Text: m.Text, HTML: m.HTML})
	if err != nil {
		return nil, err
	}
	return keys.Seal(sealLabel(m.To), string(b)), nil
}

func open(keys *phonegate.Keys, to, kind string, sealed []byte) (Message, error) {
	s, err := keys.Open(sealLabel(to), sealed)
	if err != nil {
		return Message{}, fmt.Errorf("mail: open message: %w", err)
	}
	var b sealedBody
	if err := json.Unmarshal([]byte(s), &b); err != nil {
		return Message{}, fmt.Errorf("mail: open message: %w", err)
	}
	return Message{To: to, Kind: kind, Subject: b.Subject, Text: b.Text, HTML: b.HTML}, nil
}
