package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestMigrationDropsReadableReplyCodes opens a database of schema 4 that
// holds a pending challenge with a readable reply code: migration 0009
// removes the code, leaves the challenge pending without a reply MAC, and
// the inbound message lookup then reads one index.
func TestMigrationDropsReadableReplyCodes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open(driverName, "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version > 4 {
			break
		}
		if _, err := raw.Exec(m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Unix()
	for _, q := range []string{
		`INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'ada@example.com', 'h', 0)`,
		`INSERT INTO challenges (id, user_id, session_hash, purpose, label, phone, code_mac, reply_code, state, created_at, expires_at)
			VALUES ('old', 1, x'01', 'login', 'Apollo', '+14155552671', x'02', 'K7Q4M', 'pending', 0, 9999999999)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Challenge(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != phonegate.ChallengePending || c.ReplyMAC != nil {
		t.Errorf("old challenge after the migration: state %s, reply MAC %x; want pending, none", c.State, c.ReplyMAC)
	}
	if _, err := db.read.Exec(`SELECT reply_code FROM challenges`); err == nil {
		t.Error("the readable reply_code column is still there")
	}

	plan := queryPlan(t, db, findReplySQL, []byte("mac"), "+14155552671", now)
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "USING INDEX challenges_reply") || strings.Contains(got, "SCAN challenges") {
		t.Errorf("the reply lookup's plan is %q, want a search of challenges_reply and no scan", got)
	}
}
