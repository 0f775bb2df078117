package phonegate

import (
	"time"
)

// AuditEvent is one entry of a project's audit log. Detail is free text
// for people and never holds a secret.
type AuditEvent struct {
	ID         int64
	ProjectID  int64 // 0 for an event about a user outside any project
	UserID     int64 // the user the event is about; 0 if none
	ActorID    int64 // who did it; 0 for the system or Twilio
	Kind       string
	Detail     string
	At         time.Time
	UserEmail  string // filled when listing
	ActorEmail string // filled when listing
}
