-- A passkey ceremony's challenge (the WebAuthn session data) waits here
-- between the options a page asks for and the browser's answer: one per
-- session and kind of ceremony (a registration, a login), a newer one
-- replacing it. It is taken, and deleted in the same statement, by the
-- answer; it works until expires_at, and goes with its session, following
-- the session's token hash as a reveal does.
CREATE TABLE passkey_challenges (
	session_hash BLOB NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE ON UPDATE CASCADE,
	kind         TEXT NOT NULL,
	data         BLOB NOT NULL,
	expires_at   INTEGER NOT NULL,
	PRIMARY KEY (session_hash, kind)
);
