-- A passkey ceremony's challenge (the WebAuthn session data), one per
-- session and kind of ceremony, taken once by the browser's answer before
-- expires_at (as SQLite's 0018); it follows its session's token hash and
-- goes with the session.
CREATE TABLE passkey_challenges (
	session_hash bytea NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE ON UPDATE CASCADE,
	kind         text NOT NULL,
	data         bytea NOT NULL,
	expires_at   timestamptz NOT NULL,
	PRIMARY KEY (session_hash, kind)
);
