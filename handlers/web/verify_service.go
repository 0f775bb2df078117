package web

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// verifyServicePage is a Verify service's page: its newest verifications
// and its conversion, for the members of its project.
type verifyServicePage struct {
	page
	Project   phonegate.Project
	Service   phonegate.VerifyService
	Hour, Day phonegate.VerificationRate
	Rows      []verificationRow
}

// verificationRow is one verification as the page lists it: the number
// masked, never a code.
type verificationRow struct {
	SID, To, Channel, Status string
	At                       string // when it was created, for people
	ISO                      string // the same, for <time>
	Sends                    []string
}

// verifyService is GET /projects/:id/verify/:sid, for any member of the
// project, as the project page is; another project's service, or a
// missing one, is 404.
func (s *Server) verifyService(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	sid := httprouter.ParamsFromContext(r.Context()).ByName("sid")
	if !phonegate.IsSID(sid, phonegate.PrefixVerifyService) {
		return httpx.ErrNotFound
	}
	a, err := s.svc.VerificationActivity(r.Context(), m.Project.ID, sid)
	if err != nil {
		return err
	}
	svc := a.Service
	p := &verifyServicePage{page: page{Title: svc.FriendlyName + " · " + m.Project.Name}, Project: m.Project,
		Service: svc, Hour: a.Hour, Day: a.Day}
	for _, v := range a.Recent {
		row := verificationRow{SID: v.ID, To: phonegate.MaskPhone(v.Phone), Channel: v.Channel, Status: v.Status,
			At: when(v.CreatedAt), ISO: v.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")}
		for _, d := range v.Attempts {
			row.Sends = append(row.Sends, channelName(d.Channel)+": "+phonegate.DeliveryWords(d))
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, http.StatusOK, "verifyservice", p)
	return nil
}

// channelName names a channel in a list of sends.
func channelName(channel string) string {
	if channel == phonegate.ChannelCall {
		return "Call"
	}
	return "SMS"
}
