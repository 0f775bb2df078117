-- Second factors beside the phone: an authenticator app now, passkeys
-- later, as kinds of one record. secret is sealed with the server key;
-- counter only grows (an app's last accepted time step); IDs are never
-- reused, so that a removed factor's ID names no other. A factor counts
-- once confirmed_at is set, by a first code.
CREATE TABLE factors (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind         TEXT NOT NULL,
	name         TEXT NOT NULL,
	secret       BLOB NOT NULL,
	counter      INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	confirmed_at INTEGER NOT NULL DEFAULT 0,
	last_used_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX factors_user ON factors (user_id);
