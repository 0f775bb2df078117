package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestUserAddFreshLink: `user add --invite` for an account that never
// chose its password prints a fresh link each time; for an account with a
// password it prints none and says why.
func TestUserAddFreshLink(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{
		"PHONEGATE_DB":        filepath.Join(dir, "phonegate.db"),
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	})
	ctx := context.Background()
	link := regexp.MustCompile(`http://127\.0\.0\.1:8080/invite/[A-Za-z0-9_-]{22}`)
	add := func(stdin string, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, append([]string{"user", "add"}, args...), e, strings.NewReader(stdin), &out, io.Discard); err != nil {
			t.Fatalf("user add %v: %v", args, err)
		}
		return out.String()
	}
	add("correct horse battery staple\n", "--email", "ada@example.com", "--project", "Engine", "--role", "owner")

	first := link.FindString(add("", "--email", "bob@example.com", "--project", "Engine", "--invite"))
	out := add("", "--email", "bob@example.com", "--project", "Wheels", "--invite")
	second := link.FindString(out)
	if first == "" || second == "" || first == second {
		t.Errorf("user add --invite for an unclaimed account: links %q then %q, want two different ones\n%s", first, second, out)
	}
	if strings.Contains(out, "no invite link") {
		t.Errorf("user add --invite for an unclaimed account says it made no link:\n%s", out)
	}

	out = add("", "--email", "ada@example.com", "--project", "Wheels", "--invite")
	if link.MatchString(out) || !strings.Contains(out, "has a password, so no invite link was made") {
		t.Errorf("user add --invite for an account with a password printed:\n%s", out)
	}
}
