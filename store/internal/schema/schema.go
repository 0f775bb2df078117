// Package schema reads a store's embedded migrations: the files of its
// "migrations" folder, each named with its version number first
// (0001_init.sql), in the order of their versions. Each store applies
// them its own way (transactions, locks); the files and their order are
// read once, here, for both.
package schema

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migration is one migration file.
type Migration struct {
	Version int    // the number its name starts with
	Name    string // the file's name
	SQL     string // the file's text
}

// Load returns the migrations of fsys's "migrations" folder, oldest
// first; a file whose name does not start with a number is an error.
func Load(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %q: name must start with a number", e.Name())
		}
		b, err := fs.ReadFile(fsys, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}
