-- The Verify API (DESIGN §8), as store/sqlite's migrations 0014 and 0015:
-- a project's account SID, its API keys (an HMAC of the secret only, kept
-- after revocation), its Verify services, and verifications as challenges
-- of purpose 'verify', with no user and no session, of a service.
CREATE TABLE api_accounts (
	project_id bigint PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
	sid        text NOT NULL UNIQUE
);

CREATE TABLE api_keys (
	sid          text PRIMARY KEY,
	project_id   bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	name         text NOT NULL,
	secret_mac   bytea NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL,
	last_used_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX api_keys_project ON api_keys (project_id, created_at);

CREATE TABLE verify_services (
	sid           text PRIMARY KEY,
	project_id    bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	friendly_name text NOT NULL,
	code_length   integer NOT NULL CHECK (code_length BETWEEN 4 AND 10),
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL,
	seq           bigint GENERATED ALWAYS AS IDENTITY -- the order they were made in, within a second
);
CREATE INDEX verify_services_project ON verify_services (project_id, created_at, seq);

ALTER TABLE challenges ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE challenges DROP CONSTRAINT challenges_purpose_check;
ALTER TABLE challenges ADD CONSTRAINT challenges_purpose_check CHECK (purpose IN ('enroll', 'login', 'verify'));
ALTER TABLE challenges ADD COLUMN service_sid text REFERENCES verify_services (sid) ON DELETE CASCADE;
ALTER TABLE challenges ADD COLUMN project_id bigint REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE challenges ADD CONSTRAINT challenges_verify_no_user CHECK ((purpose = 'verify') = (user_id IS NULL));
CREATE INDEX challenges_verify ON challenges (service_sid, phone, created_at) WHERE purpose = 'verify';
CREATE INDEX challenges_service ON challenges (service_sid, created_at) WHERE purpose = 'verify';
