package devphone

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/phonegate/phonegate/handlers/httpx"
)

// devMailShown is how many messages the dev mailbox lists.
const devMailShown = 50

type devMailView struct {
	httpx.Page
	SMTP     bool // mail goes through an SMTP server, not here
	Messages []devMailMessage
}

type devMailMessage struct {
	ID      int64
	To      string
	Kind    string
	Subject string
	At      string
	Text    string
	Links   []string // this server's links in the message, to follow from here
}

// devMailLink finds a link to this server in a message's text.
var devMailLink = regexp.MustCompile(`https?://[^\s<>"]+`)

// devMailPage is the dev mailbox: the mail this server sent, in dev mode
// without SMTP, newest first.
func (s *Phone) devMailPage(w http.ResponseWriter, r *http.Request) error {
	v := &devMailView{Page: httpx.Page{Title: "Dev mailbox"}, SMTP: s.mail != nil && !s.mail.DevMailbox()}
	if s.mail != nil && s.mail.DevMailbox() {
		ms, err := s.mail.DevMessages(r.Context(), devMailShown)
		if err != nil {
			return err
		}
		for _, m := range ms {
			dm := devMailMessage{ID: m.ID, To: m.To, Kind: m.Kind, Subject: m.Subject, At: httpx.When(m.At), Text: m.Text}
			for _, l := range devMailLink.FindAllString(m.Text, -1) {
				if strings.HasPrefix(l, s.base+"/") && len(l) > len(s.base)+1 {
					dm.Links = append(dm.Links, l)
				}
			}
			v.Messages = append(v.Messages, dm)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "devmail", v)
	return nil
}
