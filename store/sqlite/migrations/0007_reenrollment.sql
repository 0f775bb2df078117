-- A re-enrollment says who may verify a user's new phone once the old one
-- no longer counts. After the emergency code is used, only the session
-- that used it (session_hash); after an admin's reset, only a session
-- that typed the one-time recovery code, kept as a keyed hash
-- (recovery_mac) until expires_at, and wiped when used. A user without a
-- row enrolls freely (the first phone). The session's token hash changes
-- at each step of a login: the binding follows; when the session ends,
-- no session holds it any more. The row goes when a phone is verified.
CREATE TABLE reenrollments (
	user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	reason       TEXT NOT NULL CHECK (reason IN ('emergency', 'reset')),
	session_hash BLOB REFERENCES sessions (token_hash) ON DELETE SET NULL ON UPDATE CASCADE,
	recovery_mac BLOB,
	expires_at   INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL
);
CREATE INDEX reenrollments_session ON reenrollments (session_hash);
