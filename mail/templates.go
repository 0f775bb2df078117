package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/phonegate/phonegate"
)

// Kinds lists every kind of message (phonegate.Notice*), one template
// each: templates/KIND.txt and templates/KIND.html.
var Kinds = []string{phonegate.NoticeInvite, phonegate.NoticeEmailProof, phonegate.NoticePhoneChanged, phonegate.NoticeEmergencyUsed, phonegate.NoticeEmergencyRenewed,
	phonegate.NoticePasswordChanged, phonegate.NoticeReset, phonegate.NoticeLevelChanged, phonegate.NoticeFailedCodes,
	phonegate.NoticeFactorAdded, phonegate.NoticeFactorRemoved}

// Data is what a template may show. Each kind uses the fields its
// template names; none of them is ever a code or an emergency code.
type Data struct {
	Site               string // the server's public URL, for the footer
	Link               string // where the message sends the reader: the invite link, the login page, the account page
	Project            string // the project's name
	Role               string // the role offered by an invitation
	By                 string // who did it: the inviter, the admin, the owner who changed a level
	When               string // when it happened, in words (UTC)
	OldPhone, NewPhone string // masked numbers (phonegate.MaskPhone)
	OldLevel, NewLevel string // two-factor levels in words
	Expires            string // when a link stops working, in words
	// Unclaimed marks an invitation to an account that already existed but
	// never chose its password: its message carries a fresh link, which
	// replaces the older one.
	Unclaimed bool
	// RecoveryCode is the one-time code that a reset may send to its user,
	// for their next enrollment; empty when the reset sends none.
	RecoveryCode string
	// Factor names the factor added or removed, in words.
	Factor string
}

//go:embed templates
var templateFS embed.FS

type compiled struct {
	text *texttemplate.Template // defines "subject" and "text"
	html *htmltemplate.Template // layout.html around the kind's "body"
}

var templates = mustParse()

func mustParse() map[string]compiled {
	m := map[string]compiled{}
	for _, k := range Kinds {
		t, err := texttemplate.ParseFS(templateFS, "templates/footer.txt", "templates/"+k+".txt")
		if err != nil {
			panic(err)
		}
		h, err := htmltemplate.ParseFS(templateFS, "templates/layout.html", "templates/"+k+".html")
		if err != nil {
			panic(err)
		}
		m[k] = compiled{text: t, html: h}
	}
	return m
}

// Render makes the message of kind for to from d.
func Render(kind, to string, d Data) (Message, error) {
	c, ok := templates[kind]
	if !ok {
		return Message{}, fmt.Errorf("mail: no template %q", kind)
	}
	var subject, text, html bytes.Buffer
	if err := c.text.ExecuteTemplate(&subject, "subject", d); err != nil {
		return Message{}, fmt.Errorf("mail: %s subject: %w", kind, err)
	}
	if err := c.text.ExecuteTemplate(&text, "text", d); err != nil {
		return Message{}, fmt.Errorf("mail: %s text: %w", kind, err)
	}
	if err := c.html.ExecuteTemplate(&html, "layout.html", d); err != nil {
		return Message{}, fmt.Errorf("mail: %s html: %w", kind, err)
	}
	return Message{To: to, Kind: kind, Subject: strings.TrimSpace(subject.String()),
		Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String()}, nil
}
