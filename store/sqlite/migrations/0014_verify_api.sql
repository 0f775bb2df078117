-- The Verify API's credentials and services (DESIGN §8). A project gets
-- one account SID ("AC…"), made the first time it is needed and kept; its
-- API keys ("SK…") keep only an HMAC of their secret, under a key derived
-- from the server key, and stay after revocation (revoked_at) so that the
-- audit log's SIDs still name something. A Verify service ("VA…") belongs
-- to one project.
CREATE TABLE api_accounts (
	project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
	sid        TEXT NOT NULL UNIQUE
);

CREATE TABLE api_keys (
	sid          TEXT PRIMARY KEY,
	project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	secret_mac   BLOB NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER NOT NULL DEFAULT 0,
	revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_project ON api_keys (project_id, created_at);

CREATE TABLE verify_services (
	sid           TEXT PRIMARY KEY,
	project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	friendly_name TEXT NOT NULL,
	code_length   INTEGER NOT NULL CHECK (code_length BETWEEN 4 AND 10),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX verify_services_project ON verify_services (project_id, created_at, sid);
