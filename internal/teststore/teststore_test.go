package teststore_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/internal/teststore"
)

func TestMain(m *testing.M) { os.Exit(teststore.Main(m)) }

// TestDumpSeesEveryWrite: the dump that tests compare to tell that a request
// changed nothing does change with a write, and shows what was written;
// AtRest holds it too. Run with PHONEGATE_TEST_POSTGRES set for PostgreSQL.
func TestDumpSeesEveryWrite(t *testing.T) {
	s := teststore.Open(t)
	ctx := t.Context()
	before := teststore.Dump(t, s)
	if again := teststore.Dump(t, s); again != before {
		t.Fatalf("two dumps of an unchanged %s store differ:\n%s\n---\n%s", teststore.Name(), before, again)
	}
	if err := s.SetSetting(ctx, "greeting", "hello-from-the-dump-test"); err != nil {
		t.Fatal(err)
	}
	after := teststore.Dump(t, s)
	if after == before || !strings.Contains(after, "hello-from-the-dump-test") {
		t.Errorf("the %s dump after a write lacks it:\n%s", teststore.Name(), after)
	}
	if err := s.SetSetting(ctx, "greeting", "hello-again"); err != nil {
		t.Fatal(err)
	}
	if teststore.Dump(t, s) == after {
		t.Errorf("the %s dump did not change with an update", teststore.Name())
	}
	if !bytes.Contains(teststore.AtRest(t, s), []byte("hello-again")) {
		t.Errorf("what the %s store keeps at rest lacks the setting just written", teststore.Name())
	}
}
