package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate/store/sqlite"
)

// TestSiteCommands: site add, list and remove act on the project named,
// print what they did, and start no server (the address the server would
// listen on is taken); the changes are in the project's audit log, made
// by no user.
func TestSiteCommands(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dbPath := filepath.Join(t.TempDir(), "phonegate.db")
	e := env(map[string]string{
		"PHONEGATE_DB":        dbPath,
		"PHONEGATE_ADDR":      taken.Addr().String(),
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, []string{"user", "add", "--email", "ada@example.com", "--project", "Engine", "--invite"},
		e, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	site := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, append([]string{"site"}, args...), e, nil, &out, io.Discard); err != nil {
			t.Fatalf("site %v: %v", args, err)
		}
		return out.String()
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--project", "Engine"}, "project \"Engine\" has no protected sites\n"},
		{[]string{"add", "--project", "Engine", "--host", "Wiki.Example.com"}, "wiki.example.com is now a protected site of project \"Engine\"\n"},
		{[]string{"add", "--project", "Engine", "--host", "*.apps.example.com"}, "*.apps.example.com is now a protected site of project \"Engine\"\n"},
		{[]string{"list", "--project", "Engine"}, "*.apps.example.com\nwiki.example.com\n"},
		{[]string{"remove", "--project", "Engine", "--host", "wiki.example.com"}, "wiki.example.com is no longer a protected site of project \"Engine\"\n"},
		{[]string{"list", "--project", "Engine"}, "*.apps.example.com\n"},
	} {
		if got := site(tt.args...); got != tt.want {
			t.Errorf("site %v printed %q, want %q", tt.args, got, tt.want)
		}
	}

	var got []string
	for _, ev := range auditOf(t, ctx, dbPath, "Engine", "site.") {
		if ev.ActorID != 0 {
			t.Errorf("%s %s audited as made by user %d, want none", ev.Kind, ev.Detail, ev.ActorID)
		}
		got = append(got, ev.Kind+" "+ev.Detail)
	}
	want := []string{"site.removed wiki.example.com", "site.added *.apps.example.com", "site.added wiki.example.com"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audited %q, want %q", got, want)
	}
}

// TestSiteCommandErrors: a mistake in the command line, a hostname that
// is not one included, stops with status 2; what the database refuses (no such project, a host already protected, a host not
// protected) with status 1, in words.
func TestSiteCommandErrors(t *testing.T) {
	e := env(map[string]string{
		"PHONEGATE_DB":        filepath.Join(t.TempDir(), "phonegate.db"),
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	})
	ctx := context.Background()
	for _, args := range [][]string{
		{"user", "add", "--email", "ada@example.com", "--project", "Engine", "--invite"},
		{"user", "add", "--email", "bob@example.com", "--project", "Wheels", "--invite"},
		{"site", "add", "--project", "Engine", "--host", "app.example.com"},
	} {
		if err := run(ctx, args, e, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	for _, tt := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no command", []string{"site"}, true, "site needs a command"},
		{"unknown command", []string{"site", "rename"}, true, `unknown site command "rename"`},
		{"add without host", []string{"site", "add", "--project", "Engine"}, true, "site add needs --project and --host"},
		{"list without project", []string{"site", "list"}, true, "site list needs --project"},
		{"remove without project", []string{"site", "remove", "--host", "app.example.com"}, true, "site remove needs --project"},
		{"unknown flag", []string{"site", "list", "--project", "Engine", "--host", "x.example.com"}, true, "site list:"},
		{"stray argument", []string{"site", "add", "--project", "Engine", "--host", "a.example.com", "b.example.com"}, true, "unexpected argument"},
		{"a URL", []string{"site", "add", "--project", "Engine", "--host", "https://app.example.com/"}, true, "Enter a hostname such as app.example.com"},
		{"an address", []string{"site", "add", "--project", "Engine", "--host", "127.0.0.1"}, true, "Enter a hostname"},
		{"no such project", []string{"site", "add", "--project", "Nowhere", "--host", "b.example.com"}, false, `no project is named "Nowhere"`},
		{"list of no such project", []string{"site", "list", "--project", "Nowhere"}, false, `no project is named "Nowhere"`},
		{"taken by this project", []string{"site", "add", "--project", "Engine", "--host", "APP.example.com"}, false, "app.example.com is already a protected site."},
		{"taken by another", []string{"site", "add", "--project", "Wheels", "--host", "app.example.com"}, false, "app.example.com is already a protected site."},
		{"remove another's", []string{"site", "remove", "--project", "Wheels", "--host", "app.example.com"}, false, `"app.example.com" is not a protected site of "Wheels"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			expectSiteError(t, run(ctx, tt.args, e, nil, io.Discard, io.Discard), tt.usage, tt.want)
		})
	}
	db, err := sqlite.Open(ctx, e("PHONEGATE_DB"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, want := range map[string]int{"Engine": 1, "Wheels": 0} {
		p, _ := db.ProjectByName(ctx, name)
		if sites, _ := db.Sites(ctx, p.ID); len(sites) != want {
			t.Errorf("project %s has %d sites after the refusals, want %d", name, len(sites), want)
		}
	}
}
