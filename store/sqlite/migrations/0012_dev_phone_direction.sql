-- The dev phone also keeps what the developer's phone sent to the server
-- (STOP, HELP, reply codes, anything typed in its form), so that each
-- number's messages read as one conversation: direction 'out' is what the
-- server sent to the phone, 'in' what the phone sent to the server.
ALTER TABLE dev_phone ADD COLUMN direction TEXT NOT NULL DEFAULT 'out' CHECK (direction IN ('out', 'in'));
