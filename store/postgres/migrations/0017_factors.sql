-- Second factors beside the phone: an authenticator app now, passkeys
-- later, as kinds of one record (as SQLite's 0017). secret is sealed with
-- the server key; counter only grows (an app's last accepted time step);
-- a factor counts once confirmed_at is set, by a first code.
CREATE TABLE factors (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind         text NOT NULL,
	name         text NOT NULL,
	secret       bytea NOT NULL,
	counter      bigint NOT NULL DEFAULT 0,
	created_at   timestamptz NOT NULL,
	confirmed_at timestamptz,
	last_used_at timestamptz
);
CREATE INDEX factors_user ON factors (user_id);
