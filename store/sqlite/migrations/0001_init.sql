-- Times are Unix seconds (UTC). Secrets are never stored readable: tokens
-- and codes are kept as hashes or MACs, the spoken code only encrypted.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE users (
	id                INTEGER PRIMARY KEY,
	email             TEXT NOT NULL UNIQUE COLLATE NOCASE,
	password_hash     TEXT NOT NULL DEFAULT '',
	phone             TEXT NOT NULL DEFAULT '',
	phone_verified    INTEGER NOT NULL DEFAULT 0,
	preferred_channel TEXT NOT NULL DEFAULT 'sms' CHECK (preferred_channel IN ('sms', 'call')),
	emergency_hash    TEXT NOT NULL DEFAULT '',
	mfa_failures      INTEGER NOT NULL DEFAULT 0,
	mfa_locked_until  INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL
);

CREATE TABLE projects (
	id               INTEGER PRIMARY KEY,
	name             TEXT NOT NULL,
	mfa_level        TEXT NOT NULL DEFAULT 'off'
		CHECK (mfa_level IN ('off', 'per_computer', 'every_30_days', 'every_login')),
	mfa_level_set_at INTEGER NOT NULL DEFAULT 0,
	created_at       INTEGER NOT NULL
);

CREATE TABLE memberships (
	project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'developer')),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (project_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
	token_hash     BLOB PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token     TEXT NOT NULL,
	mfa_at         INTEGER NOT NULL DEFAULT 0,
	elevated_until INTEGER NOT NULL DEFAULT 0,
	user_agent     TEXT NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	last_seen_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE invites (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE,
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER NOT NULL DEFAULT 0
);

-- counter_events holds one row per counted event (a failed login, a code
-- sent to a number); throttles count the rows of a key inside a window.
CREATE TABLE counter_events (
	key TEXT NOT NULL,
	at  INTEGER NOT NULL
);
CREATE INDEX counter_events_key_at ON counter_events (key, at);

CREATE TABLE audit_events (
	id         INTEGER PRIMARY KEY,
	project_id INTEGER REFERENCES projects (id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	actor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
	kind       TEXT NOT NULL,
	detail     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX audit_events_project ON audit_events (project_id, id);
CREATE INDEX audit_events_user ON audit_events (user_id, id);

-- A challenge is one round of "prove you hold this phone": enrollment of a
-- new number or the second step of a login.
CREATE TABLE challenges (
	id             TEXT PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	session_hash   BLOB NOT NULL,
	purpose        TEXT NOT NULL CHECK (purpose IN ('enroll', 'login')),
	label          TEXT NOT NULL DEFAULT '', -- the project named in the SMS and the call
	phone          TEXT NOT NULL,
	code_mac       BLOB NOT NULL,
	code_sealed    BLOB,
	reply_code     TEXT NOT NULL DEFAULT '',
	state          TEXT NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'approved', 'used', 'dead', 'cancelled')),
	checks         INTEGER NOT NULL DEFAULT 0,
	sends          INTEGER NOT NULL DEFAULT 0,
	last_send_at   INTEGER NOT NULL DEFAULT 0,
	auto_call_done INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL
);
CREATE INDEX challenges_user ON challenges (user_id, state);
CREATE INDEX challenges_phone ON challenges (phone, state);

-- A delivery is one SMS or one call of a challenge's code.
CREATE TABLE deliveries (
	id           TEXT PRIMARY KEY,
	challenge_id TEXT NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
	channel      TEXT NOT NULL CHECK (channel IN ('sms', 'call')),
	to_number    TEXT NOT NULL,
	sid          TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL DEFAULT 'queued',
	rank         INTEGER NOT NULL DEFAULT 0,
	error_code   INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX deliveries_challenge ON deliveries (challenge_id);

-- delivery_events records each status change once; replays add nothing.
CREATE TABLE delivery_events (
	delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
	status      TEXT NOT NULL,
	error_code  INTEGER NOT NULL DEFAULT 0,
	at          INTEGER NOT NULL,
	PRIMARY KEY (delivery_id, status)
);

CREATE TABLE sms_opt_outs (
	phone      TEXT PRIMARY KEY,
	opted_out  INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE trusted_computers (
	token_hash  BLOB PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	user_agent  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	last_mfa_at INTEGER NOT NULL
);
CREATE INDEX trusted_computers_user ON trusted_computers (user_id);

-- dev_phone holds what the dev phone (dev mode's stand-in for Twilio) was
-- asked to send. The code itself never lands here for calls: the dev phone
-- fetches the TwiML like Twilio does.
CREATE TABLE dev_phone (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('sms', 'call')),
	sid         TEXT NOT NULL UNIQUE,
	to_number   TEXT NOT NULL,
	body        TEXT NOT NULL DEFAULT '',
	url         TEXT NOT NULL DEFAULT '',
	callback    TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
