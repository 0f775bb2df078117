-- The mail queue: a message is queued in the request that causes it and
-- sent by a background worker, retried with backoff until it goes or is
-- given up. The subject and bodies are sealed with the server key (an
-- invitation holds a one-time link) and wiped once the message is sent.
-- dedupe, when set, lets one message of that key exist ever (a notice
-- that must go once per login session).
CREATE TABLE mail_queue (
	id          INTEGER PRIMARY KEY,
	to_addr     TEXT NOT NULL,
	kind        TEXT NOT NULL,
	sealed      BLOB,
	dedupe      TEXT UNIQUE,
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL DEFAULT 0,
	failed_at   INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
CREATE INDEX mail_queue_due ON mail_queue (next_at) WHERE sent_at = 0 AND failed_at = 0;

-- The dev mailbox: in dev mode without SMTP, mail is delivered here and
-- shown at /dev/mail. Sealed like the queue.
CREATE TABLE dev_mail (
	id          INTEGER PRIMARY KEY,
	to_addr     TEXT NOT NULL,
	kind        TEXT NOT NULL,
	sealed      BLOB NOT NULL,
	created_at  INTEGER NOT NULL
);
