package phonegate

import (
	"errors"
)

// ErrNameTaken is returned when a project would get the name of another
// project of one of its owners: two projects of one owner cannot share a
// name, whatever the case of its letters, since the name is what tells
// them apart in texts, calls and pages.
var ErrNameTaken = errors.New("an owner already has a project of that name")
