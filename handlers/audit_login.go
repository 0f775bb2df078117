package handlers

import (
	"net/http"

	"github.com/phonegate/phonegate/store"
)

// auditLogin writes a login (the right password) into the audit log of
// each project the user accepted, with the browser in words and the client
// address: the owners of a project see who came in, from what and where.
// A failed login is audited where it is counted ("login.failed").
func (s *Server) auditLogin(r *http.Request, u store.User) error {
	return s.db.AddUserAudit(r.Context(), store.AuditEvent{UserID: u.ID, ActorID: u.ID, Kind: "login",
		Detail: agentWords(r.UserAgent()) + " from " + s.clientAddr(r), At: s.now()})
}
