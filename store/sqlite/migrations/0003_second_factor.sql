-- last_mfa_at is when the user last passed a second factor (a code, a reply
-- or the emergency code), shown on the members page.
ALTER TABLE users ADD COLUMN last_mfa_at INTEGER NOT NULL DEFAULT 0;

-- A reveal is a secret that one page shows once and never again: the
-- emergency code after it is made, an invite link after it is created. It
-- is sealed with the server key and tied to the session that may see it,
-- so it never travels in a URL or a cookie; it goes when it is shown, when
-- the session ends, or when a newer one of the same kind replaces it. The
-- session's token hash changes at each step of a login: the reveal follows.
CREATE TABLE reveals (
	session_hash BLOB NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE ON UPDATE CASCADE,
	kind         TEXT NOT NULL,
	sealed       BLOB NOT NULL,
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (session_hash, kind)
);

-- Open challenges are few; this finds the expired ones without a scan.
CREATE INDEX challenges_open ON challenges (expires_at) WHERE state IN ('pending', 'approved');
