-- A membership of an account that already existed when it was added waits
-- for its user's consent: until accepted_at is set it grants no access,
-- no audit events and no two-factor level, so that adding someone to a
-- project cannot reach into their account. invited_by tells the invited
-- user who asked.
ALTER TABLE memberships ADD COLUMN accepted_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- Memberships from before consent already granted their project: they stay
-- accepted. MAX keeps a row with no creation time from reading as pending.
UPDATE memberships SET accepted_at = MAX(created_at, 1);
