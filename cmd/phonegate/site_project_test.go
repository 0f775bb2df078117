package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate/store/sqlite"
)

// TestSiteProjectByID: when two projects share a name, --project with
// that name is a mistake in the command line (status 2) whose message
// lists the projects' IDs and owners; --project then takes an ID, bare
// or after "#", and the commands act on that project only.
func TestSiteProjectByID(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "phonegate.db")
	e := env(map[string]string{
		"PHONEGATE_DB":        dbPath,
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, args := range [][]string{
		{"user", "add", "--email", "ada@example.com", "--project", "Engine", "--invite"},
		{"user", "add", "--email", "bob@example.com", "--project", "Wheels", "--invite"},
	} {
		if err := run(ctx, args, e, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	ada, bob := twoEngines(t, ctx, dbPath)

	site := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"site"}, args...), e, nil, &out, io.Discard)
		return out.String(), err
	}
	for _, tt := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"add by a shared name", []string{"add", "--project", "Engine", "--host", "wiki.example.com"}, true,
			`--project: 2 projects are named "Engine" (ID ` + ada + `, owned by ada@example.com; ID ` + bob +
				`, owned by bob@example.com): give the ID of one instead of the name, such as #` + ada},
		{"list by a shared name", []string{"list", "--project", "Engine"}, true, `2 projects are named "Engine"`},
		{"a malformed ID", []string{"list", "--project", "#one"}, true, `--project: a project ID is a number such as 12 (or #12), got "one"`},
		{"an ID of no project", []string{"list", "--project", "#999"}, false, "no project has the ID 999"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := site(tt.args...)
			expectSiteError(t, err, tt.usage, tt.want)
		})
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "--project=#" + bob, "--host", "wiki.example.com"}, "wiki.example.com is now a protected site of project \"Engine\"\n"},
		{[]string{"list", "--project", bob}, "wiki.example.com\n"},
		{[]string{"list", "--project", "#" + ada}, "project \"Engine\" has no protected sites\n"},
		{[]string{"list", "--project", "Wheels"}, "project \"Wheels\" has no protected sites\n"},
		{[]string{"remove", "--project", bob, "--host", "wiki.example.com"}, "wiki.example.com is no longer a protected site of project \"Engine\"\n"},
		{[]string{"list", "--project", "#" + bob}, "project \"Engine\" has no protected sites\n"},
	} {
		got, err := site(tt.args...)
		if err != nil || got != tt.want {
			t.Errorf("site %v printed %q, %v; want %q", tt.args, got, err, tt.want)
		}
	}
}

// twoEngines gives bob a project named Engine too, as the web pages let
// him, and returns the IDs of ada's and bob's.
func twoEngines(t *testing.T, ctx context.Context, dbPath string) (ada, bob string) {
	t.Helper()
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first, err := db.ProjectByName(ctx, "Engine")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.UserByEmail(ctx, "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.CreateProject(ctx, u.ID, "Engine", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(first.ID, 10), strconv.FormatInt(second.ID, 10)
}

// expectSiteError fails unless err is an error of a site command that
// says want, and is a usage error (status 2) exactly when usage is set;
// it never speaks of the store rather than of what was typed.
func expectSiteError(t *testing.T, err error, usage bool, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("succeeded, want an error")
	}
	var ue usageError
	if got := errors.As(err, &ue); got != usage {
		t.Errorf("err %q is a usage error (status 2) = %v, want %v", err, got, usage)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to say %q", err, want)
	}
	if strings.Contains(err.Error(), "store:") {
		t.Errorf("err = %q speaks of the store, not of what was typed", err)
	}
}
