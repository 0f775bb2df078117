package phonegate_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestOperatorProject: the command line names a project by its exact
// name or by its ID ("12" or "#12"); a name that several projects share
// is refused in words that list each one's ID and owner; a name made of
// digits is a name first, "#" and digits always an ID.
func TestOperatorProject(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	project := func(email, name string) phonegate.Project {
		t.Helper()
		u, err := w.db.CreateUser(ctx, email, "", w.now)
		if err != nil {
			t.Fatal(err)
		}
		p, err := w.db.CreateProject(ctx, u.ID, name, w.now)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	bobs := project("bob@example.com", "Apollo")
	wheels := project("cy@example.com", "Wheels")
	digits := project("dee@example.com", strconv.FormatInt(w.proj.ID, 10)) // named as Apollo's ID
	id := func(p phonegate.Project) string { return strconv.FormatInt(p.ID, 10) }
	for _, tt := range []struct {
		name, ref string
		want      int64  // the project found
		code      string // else the error's code
		words     []string
	}{
		{"a unique name", "Wheels", wheels.ID, "", nil},
		{"an ID", id(wheels), wheels.ID, "", nil},
		{"#ID", "#" + id(bobs), bobs.ID, "", nil},
		{"a name of digits is a name", id(w.proj), digits.ID, "", nil},
		{"#ID when a name is those digits", "#" + id(w.proj), w.proj.ID, "", nil},
		{"a shared name", "Apollo", 0, phonegate.EInvalid, []string{
			`2 projects are named "Apollo"`,
			"ID " + id(w.proj) + ", owned by ada@example.com",
			"ID " + id(bobs) + ", owned by bob@example.com",
			"give the ID of one instead of the name, such as #" + id(w.proj)}},
		{"no such name", "Nowhere", 0, phonegate.ENotFound, []string{`no project is named "Nowhere"`}},
		{"the case counts", "wheels", 0, phonegate.ENotFound, []string{`no project is named "wheels"`}},
		{"no such ID", "#999", 0, phonegate.ENotFound, []string{"no project has the ID 999"}},
		{"no such bare ID", "999", 0, phonegate.ENotFound, []string{"no project has the ID 999"}},
		{"a bad ID", "#twelve", 0, phonegate.EInvalid, []string{`a project ID is a number such as 12 (or #12), got "twelve"`}},
		{"a negative ID", "#-1", 0, phonegate.EInvalid, []string{"a project ID is a number"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := w.svc.OperatorProject(ctx, tt.ref)
			if tt.code == "" {
				if err != nil || p.ID != tt.want {
					t.Fatalf("OperatorProject(%q) = %d, %v; want %d", tt.ref, p.ID, err, tt.want)
				}
				return
			}
			if got := phonegate.ErrorCode(err); got != tt.code {
				t.Fatalf("OperatorProject(%q): err = %v (code %s), want code %s", tt.ref, err, got, tt.code)
			}
			for _, want := range tt.words {
				if msg := phonegate.ErrorMessage(err); !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
		})
	}
}
