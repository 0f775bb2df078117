package phonegate

import (
	"errors"
)

// ErrClosed is returned for a write that came after the database closed.
var ErrClosed = errors.New("store: database closed")
