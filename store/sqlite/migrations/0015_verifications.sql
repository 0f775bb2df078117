-- phonegate: foreign keys off
-- A verification of the Verify v2 API is a challenge of purpose 'verify':
-- it has no user and no session, belongs to a Verify service (service_sid)
-- of a project, and goes through the same deliveries, send limits, status
-- callbacks, voice webhook and inbound replies as a login's code; deleting
-- the service deletes its verifications. SQLite
-- cannot loosen a NOT NULL or a CHECK in place, so the table is rebuilt
-- (with foreign keys off, so that dropping the old table keeps the
-- deliveries that point at its rows; the runner checks them afterwards).
CREATE TABLE challenges_new (
	id             TEXT PRIMARY KEY,
	user_id        INTEGER REFERENCES users (id) ON DELETE CASCADE,
	session_hash   BLOB NOT NULL,
	purpose        TEXT NOT NULL CHECK (purpose IN ('enroll', 'login', 'verify')),
	label          TEXT NOT NULL DEFAULT '', -- the project or service named in the SMS and the call
	phone          TEXT NOT NULL,
	code_mac       BLOB NOT NULL,
	code_sealed    BLOB,
	state          TEXT NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'approved', 'used', 'dead', 'cancelled')),
	checks         INTEGER NOT NULL DEFAULT 0,
	sends          INTEGER NOT NULL DEFAULT 0,
	last_send_at   INTEGER NOT NULL DEFAULT 0,
	auto_call_done INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL,
	send_addr      TEXT NOT NULL DEFAULT '',
	reply_mac      BLOB,
	service_sid    TEXT REFERENCES verify_services (sid) ON DELETE CASCADE, -- the Verify service (VA...) of a verification
	project_id     INTEGER REFERENCES projects (id) ON DELETE CASCADE, -- the project of a verification
	CHECK ((purpose = 'verify') = (user_id IS NULL))
);
INSERT INTO challenges_new (id, user_id, session_hash, purpose, label, phone, code_mac, code_sealed, state,
	checks, sends, last_send_at, auto_call_done, created_at, expires_at, send_addr, reply_mac)
SELECT id, user_id, session_hash, purpose, label, phone, code_mac, code_sealed, state,
	checks, sends, last_send_at, auto_call_done, created_at, expires_at, send_addr, reply_mac
FROM challenges;
DROP TABLE challenges;
ALTER TABLE challenges_new RENAME TO challenges;

CREATE INDEX challenges_user ON challenges (user_id, state);
CREATE INDEX challenges_phone ON challenges (phone, state);
CREATE INDEX challenges_open ON challenges (expires_at) WHERE state IN ('pending', 'approved');
CREATE INDEX challenges_created ON challenges (created_at);
CREATE INDEX challenges_reply ON challenges (reply_mac, phone) WHERE state = 'pending';
-- A create or a check finds the newest verification of its To in one
-- indexed read, and a service's page lists its recent verifications.
CREATE INDEX challenges_verify ON challenges (service_sid, phone, created_at) WHERE purpose = 'verify';
CREATE INDEX challenges_service ON challenges (service_sid, created_at) WHERE purpose = 'verify';
