package phonegate

import ()

// Setting keys.
const (
	// SettingSetupToken holds the hash of the one-time setup token while no
	// user exists.
	SettingSetupToken = "setup_token_hash"
)
