package phonegate

import (
	"fmt"
)

// Counter keys. A key names what is counted and for whom.
func FailedLoginKey(userID int64) string { return fmt.Sprintf("login-fail:%d", userID) }
