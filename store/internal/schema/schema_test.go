package schema

import (
	"testing"
	"testing/fstest"
)

// TestLoad: migrations come in the order of their numbers, not of their
// names, and a file without a number is refused.
func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0010_later.sql": {Data: []byte("B")},
		"migrations/0002_first.sql": {Data: []byte("A")},
	}
	ms, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 2 || ms[0].SQL != "A" || ms[1].Version != 10 || ms[1].Name != "0010_later.sql" {
		t.Errorf("Load = %+v, want versions 2 then 10", ms)
	}
	fsys["migrations/init.sql"] = &fstest.MapFile{Data: []byte("C")}
	if _, err := Load(fsys); err == nil {
		t.Error("Load with a file without a number = nil error, want one")
	}
}
