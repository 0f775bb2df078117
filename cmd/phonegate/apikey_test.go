package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAPIKeyCommands: apikey create prints the SID and the secret once;
// list shows the key (never the secret) and the account SID; revoke takes
// it out of the list; each change is audited with no user.
func TestAPIKeyCommands(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "phonegate.db")
	e := env(map[string]string{"PHONEGATE_DB": dbPath, "PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels"})
	ctx := context.Background()
	if err := run(ctx, []string{"user", "add", "--email", "ada@example.com", "--project", "Engine", "--invite"},
		e, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	apikey := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, append([]string{"apikey"}, args...), e, nil, &out, io.Discard); err != nil {
			t.Fatalf("apikey %v: %v", args, err)
		}
		return out.String()
	}
	if got := apikey("list", "--project", "Engine"); !regexp.MustCompile(`^account SID AC[0-9a-f]{32}\nproject "Engine" has no API keys\n$`).MatchString(got) {
		t.Errorf("list of none = %q", got)
	}
	created := apikey("create", "--project", "Engine", "--name", "billing")
	m := regexp.MustCompile(`account SID: (AC[0-9a-f]{32})\nkey SID: +(SK[0-9a-f]{32})\nsecret: +([0-9a-f]{64})\n`).FindStringSubmatch(created)
	if m == nil {
		t.Fatalf("create printed %q, want the SIDs and the secret", created)
	}
	account, sid, secret := m[1], m[2], m[3]
	list := apikey("list", "--project", "Engine")
	if !strings.Contains(list, "account SID "+account) || !strings.Contains(list, sid+"  billing  created ") ||
		!strings.Contains(list, "never used") || strings.Contains(list, secret) {
		t.Errorf("list = %q, want the key and the account, no secret", list)
	}
	if got, want := apikey("revoke", sid), "API key "+sid+" (\"billing\") is revoked\n"; got != want {
		t.Errorf("revoke printed %q, want %q", got, want)
	}
	if got := apikey("list", "--project", "Engine"); strings.Contains(got, sid) {
		t.Errorf("a revoked key is listed: %q", got)
	}

	var got []string
	for _, ev := range auditOf(t, ctx, dbPath, "Engine", "apikey.") {
		if ev.ActorID != 0 || strings.Contains(ev.Detail, secret) {
			t.Errorf("%s %q: actor %d, want none and no secret", ev.Kind, ev.Detail, ev.ActorID)
		}
		got = append(got, ev.Kind)
	}
	if strings.Join(got, " ") != "apikey.revoked apikey.created" {
		t.Errorf("audited %q, want apikey.revoked apikey.created", got)
	}
}

// TestAPIKeyCommandErrors: a mistake in the command line stops with
// status 2; what the database refuses with status 1, in words.
func TestAPIKeyCommandErrors(t *testing.T) {
	e := env(map[string]string{
		"PHONEGATE_DB":        filepath.Join(t.TempDir(), "phonegate.db"),
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	})
	ctx := context.Background()
	if err := run(ctx, []string{"user", "add", "--email", "ada@example.com", "--project", "Engine", "--invite"},
		e, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no command", []string{"apikey"}, true, "apikey needs a command"},
		{"unknown command", []string{"apikey", "rotate"}, true, `unknown apikey command "rotate"`},
		{"create without name", []string{"apikey", "create", "--project", "Engine"}, true, "apikey create needs --project and --name"},
		{"create without project", []string{"apikey", "create", "--name", "x"}, true, "apikey create needs --project and --name"},
		{"list without project", []string{"apikey", "list"}, true, "apikey list needs --project"},
		{"revoke without SID", []string{"apikey", "revoke"}, true, "apikey revoke needs the key's SID"},
		{"stray argument", []string{"apikey", "list", "--project", "Engine", "x"}, true, "unexpected argument"},
		{"a blank name", []string{"apikey", "create", "--project", "Engine", "--name", " "}, true, "Name the key"},
		{"no such project", []string{"apikey", "create", "--project", "Nowhere", "--name", "x"}, false, `no project is named "Nowhere"`},
		{"no such key", []string{"apikey", "revoke", "SK00000000000000000000000000000000"}, false, "no live API key is"},
		{"not a SID", []string{"apikey", "revoke", "hello"}, false, `no live API key is "hello"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(ctx, tt.args, e, nil, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("succeeded, want an error")
			}
			var ue usageError
			if got := errors.As(err, &ue); got != tt.usage {
				t.Errorf("err %q is a usage error (status 2) = %v, want %v", err, got, tt.usage)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to say %q", err, tt.want)
			}
		})
	}
}
