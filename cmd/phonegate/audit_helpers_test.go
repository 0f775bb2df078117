package main

import (
	"context"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// auditOf returns the audit events of the project named project in the
// database at dbPath whose kind starts with prefix, newest first.
func auditOf(t *testing.T, ctx context.Context, dbPath, project, prefix string) []phonegate.AuditEvent {
	t.Helper()
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.ProjectByName(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	es, err := db.AuditEvents(ctx, p.ID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var out []phonegate.AuditEvent
	for _, ev := range es {
		if strings.HasPrefix(ev.Kind, prefix) {
			out = append(out, ev)
		}
	}
	return out
}
