package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthzFactsPlan: the forward-auth check's one read reaches every
// table through its key or an index, so that its cost does not grow with
// the number of sessions, users, memberships or sites.
func TestAuthzFactsPlan(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := queryPlan(t, db, authzSQL, "app.example.com", "*.example.com", []byte("s"), 0, 0, []byte("t"), "emergency")
	got := strings.Join(plan, "; ")
	t.Logf("plan: %s", got)
	for _, table := range []string{"sites", "projects", "sessions", "users", "trusted_computers", "memberships", "reveals"} {
		for _, step := range plan {
			if f := strings.Fields(step); len(f) > 1 && f[0] == "SCAN" && (f[1] == table || f[1] == aliasOf(table)) {
				t.Errorf("the plan scans %s: %q", table, got)
			}
		}
		if !strings.Contains(got, "SEARCH "+table) && !strings.Contains(got, "SEARCH "+aliasOf(table)) {
			t.Errorf("the plan does not search %s by key: %q", table, got)
		}
	}
}

// aliasOf is the alias authzSQL gives table.
func aliasOf(table string) string {
	return map[string]string{"sites": "sites", "projects": "p", "sessions": "s", "users": "u",
		"trusted_computers": "t", "memberships": "m", "reveals": "r"}[table]
}

// queryPlan is what EXPLAIN QUERY PLAN says of query with args, a step a
// line.
func queryPlan(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.read.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestAuthzMemberships: the folded memberships of the forward-auth read
// come back whole whatever the names hold, in Memberships' order, and a
// badly folded column is an error, not a wrong answer.
func TestAuthzMemberships(t *testing.T) {
	folded := "7,every-login,admin,8,Zed, a,b" + "3,off,member,0," + "5,30-days,owner,4,Ab\u00e9"
	ms, err := authzMemberships(folded, 42)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		if m.UserID != 42 {
			t.Errorf("membership of user %d, want 42", m.UserID)
		}
		got = append(got, fmt.Sprintf("%d|%s|%s|%s", m.Project.ID, m.Project.MFALevel, m.Role, m.Project.Name))
	}
	if got, want := strings.Join(got, " "), "3|off|member| 5|30-days|owner|Ab\u00e9 7|every-login|admin|Zed, a,b"; got != want {
		t.Errorf("memberships = %q, want %q", got, want)
	}
	if ms, err := authzMemberships("", 42); err != nil || len(ms) != 0 {
		t.Errorf("no memberships = %v, %v; want none, nil", ms, err)
	}
	for _, bad := range []string{"7,off,admin", "x,off,admin,1,A", "7,off,admin,9,short", "7,off,admin,-1,"} {
		if _, err := authzMemberships(bad, 42); err == nil {
			t.Errorf("authzMemberships(%q) = nil error, want one", bad)
		}
	}
}
