package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// TestAuditEventsAfter checks the page of newer events: the ones just
// above the cursor, newest first, and none of another project's.
func TestAuditEventsAfter(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db := open(t)
	ada, _ := db.CreateUser(ctx, "ada@example.com", "x", now)
	p, _ := db.CreateProject(ctx, ada.ID, "Engine", now)
	other, _ := db.CreateProject(ctx, ada.ID, "Other", now)
	for i := range 6 {
		for _, id := range []int64{p.ID, other.ID} {
			if err := db.AddAudit(ctx, phonegate.AuditEvent{ProjectID: id, Kind: "test.event", Detail: fmt.Sprint(i), At: now}); err != nil {
				t.Fatal(err)
			}
		}
	}
	all, err := db.AuditEvents(ctx, p.ID, 0, 100) // newest first: 5 4 3 2 1 0, project.created
	if err != nil || len(all) != 7 {
		t.Fatalf("AuditEvents = %d events, %v", len(all), err)
	}
	details := func(es []phonegate.AuditEvent) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Detail)
		}
		return out
	}
	tests := []struct {
		name  string
		after int64
		limit int
		want  []string
	}{
		{"the two just above event 0", all[5].ID, 2, []string{"2", "1"}},
		{"up to the newest", all[2].ID, 10, []string{"5", "4"}},
		{"past the newest", all[0].ID, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.AuditEventsAfter(ctx, p.ID, tt.after, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, details(got)); diff != "" {
				t.Errorf("AuditEventsAfter(%d, %d) (-want +got):\n%s", tt.after, tt.limit, diff)
			}
		})
	}
}
