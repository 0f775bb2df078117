package devphone

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// Routes returns the dev phone's pages and the dev mailbox's, each
// behind the browser's DevGuard (loopback, a session, off with a public
// URL that is not loopback), so every button carries the CSRF token. Every
// button acts through the signed webhooks, as Twilio would, and never
// through the store.
func (s *Phone) Routes(b Browser) []httpx.Route {
	s.browser = b
	dev := func(method, path string, h httpx.HandlerFunc) httpx.Route {
		return httpx.Route{Method: method, Path: path, Access: "dev", Handler: b.DevGuard(h)}
	}
	return []httpx.Route{
		dev(http.MethodGet, "/dev/phone", s.devPhonePage),
		dev(http.MethodPost, "/dev/phone/status", s.devPhoneStatus),
		dev(http.MethodPost, "/dev/phone/answer", s.devPhoneAnswer),
		dev(http.MethodPost, "/dev/phone/press", s.devPhonePress),
		dev(http.MethodPost, "/dev/phone/sms", s.devPhoneSMS),
		dev(http.MethodGet, "/dev/mail", s.devMailPage),
	}
}

// devPhoneView is the dev phone page.
type devPhoneView struct {
	httpx.Page
	Numbers []devNumberView
	Call    *devCallView // what a call said, after Answer or a key
}

// devNumberView is one phone number and what it received, newest first.
type devNumberView struct {
	Number  string
	Entries []devEntryView
}

type devEntryView struct {
	ID         int64
	Kind       string
	SID        string
	At         string // in UTC, until the page's script shows it in local time
	ISO        string
	In         bool     // the phone sent it to the server; else the server sent it to the phone
	Body       []string // the message's lines
	Status     string   // the delivery's state in words; empty for a reply or a message from the phone
	Answerable bool     // a call that can still be answered: not answered, ended or failed yet
	Buttons    []devButtonView
}

// devButtonView is a status callback button, with the error code Twilio
// would report with the status.
type devButtonView struct {
	Status, Label string
	code          int
}

// devButtons are the status buttons of each kind, in the order shown.
var devButtons = map[string][]devButtonView{
	phonegate.ChannelSMS: {{"delivered", "Delivered", 0}, {"undelivered", "Undelivered (30003)", 30003},
		{"failed", "Failed (30006)", 30006}},
	phonegate.ChannelCall: {{"completed", "Completed", 0}, {"no-answer", "No answer", 0}, {"busy", "Busy", 0}},
}

// devPhoneShown is how many entries the page lists.
const devPhoneShown = 60

// devPhoneNotes are the notes a button leaves after its redirect; only
// these fixed words can be shown, never text from the URL.
var devPhoneNotes = map[string]string{
	"status": "Status callback sent through the signed webhook.",
	"sms":    "Message sent to /twilio/sms/inbound. A reply, if any, is listed under the number.",
}

func (s *Phone) devPhonePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.devPhoneData(r)
	if err != nil {
		return err
	}
	v.Flash = devPhoneNotes[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "devphone", v)
	return nil
}

// devPhoneData lists the recorded messages and calls by number.
func (s *Phone) devPhoneData(r *http.Request) (*devPhoneView, error) {
	es, err := s.db.DevPhoneEntries(r.Context(), devPhoneShown)
	if err != nil {
		return nil, err
	}
	v := &devPhoneView{Page: httpx.Page{Title: "Dev phone"}}
	index := map[string]int{}
	for _, e := range es {
		ev := devEntryView{ID: e.ID, Kind: e.Kind, SID: e.SID, At: e.CreatedAt.UTC().Format("2006-01-02 15:04:05"),
			ISO: e.CreatedAt.UTC().Format(time.RFC3339), In: e.Direction == phonegate.DevPhoneIn}
		if e.Body != "" {
			ev.Body = strings.Split(s.openDevBody(e.Body), "\n")
		}
		d, ok, err := s.devEntryDelivery(r, e)
		if err != nil {
			return nil, err
		}
		if ok {
			ev.Status, ev.Buttons = phonegate.DeliveryWords(d), devButtons[e.Kind]
			ev.Answerable = e.Kind == phonegate.ChannelCall && callAnswerable(d.Status)
		}
		i, ok := index[e.To]
		if !ok {
			i = len(v.Numbers)
			index[e.To] = i
			v.Numbers = append(v.Numbers, devNumberView{Number: e.To})
		}
		v.Numbers[i].Entries = append(v.Numbers[i].Entries, ev)
	}
	return v, nil
}

// devEntryDelivery returns the delivery an entry carries, read from the
// delivery ID in its callback URL; false for an entry without one (a
// reply, a message from the phone) or whose delivery is gone.
func (s *Phone) devEntryDelivery(r *http.Request, e phonegate.DevPhoneEntry) (phonegate.Delivery, bool, error) {
	u, err := url.Parse(e.Callback)
	if e.Callback == "" || err != nil {
		return phonegate.Delivery{}, false, nil
	}
	d, err := s.db.Delivery(r.Context(), u.Query().Get("d"))
	if errors.Is(err, phonegate.ErrNotFound) {
		return phonegate.Delivery{}, false, nil
	}
	if err != nil {
		return phonegate.Delivery{}, false, err
	}
	return d, true, nil
}

// callAnswerable reports whether a call in this state can still be
// answered: it has not been answered yet, and has not ended (completed, no
// answer, busy, failed, canceled).
func callAnswerable(status string) bool {
	switch status {
	case "", "queued", "initiated", "ringing":
		return true
	}
	return false
}

// devEntry loads the entry a button names.
func (s *Phone) devEntry(r *http.Request) (phonegate.DevPhoneEntry, error) {
	id, err := strconv.ParseInt(r.PostFormValue("entry"), 10, 64)
	if err != nil {
		return phonegate.DevPhoneEntry{}, httpx.BadRequest("That message or call is not on the dev phone.")
	}
	return s.db.DevPhoneEntry(r.Context(), id)
}
