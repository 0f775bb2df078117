package main

import (
	"strings"
	"testing"
)

// TestParseFlagsStore: -db takes SQLite (empty), start or a PostgreSQL
// URL; several instances need PostgreSQL.
func TestParseFlagsStore(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{nil, ""},
		{[]string{"-db", "start"}, ""},
		{[]string{"-db", "postgres://u@127.0.0.1/load"}, ""},
		{[]string{"-db", "postgresql://u@127.0.0.1/load", "-instances", "2"}, ""},
		{[]string{"-db", "start", "-instances", "3"}, ""},
		{[]string{"-db", "/tmp/phonegate.db"}, "-db must be"},
		{[]string{"-instances", "2"}, "needs PostgreSQL"},
		{[]string{"-db", "start", "-instances", "0"}, "-instances must be"},
		{[]string{"-db", "start", "-instances", "9"}, "-instances must be"},
	} {
		o, err := parseFlags(tt.args)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("parseFlags(%q): %v", tt.args, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseFlags(%q) = %v, want an error with %q", tt.args, err, tt.wantErr)
		case err == nil && o.Instances < 1:
			t.Errorf("parseFlags(%q): %d instances", tt.args, o.Instances)
		}
	}
}
