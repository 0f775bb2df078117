package phonegate

import (
	"errors"
)

// Sentinel errors. Handlers map them to HTTP status in one place.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("already exists")
	ErrLastOwner = errors.New("a project must keep at least one owner")
	ErrTooNew    = errors.New("database was written by a newer version of phonegate")
	ErrLimited   = errors.New("limit reached")
)
