-- send_addr is the client address the challenge's sends were asked from,
-- so that the automatic fallback call, which no client asks for, counts
-- against the same address as the text message it follows.
ALTER TABLE challenges ADD COLUMN send_addr TEXT NOT NULL DEFAULT '';

-- send_totals counts the codes sent on each UTC day (day = Unix seconds /
-- 86400) by each channel: the global daily caps. One row per day and
-- channel, so that a cap is one read and one increment however many sends
-- the day holds.
CREATE TABLE send_totals (
	day     INTEGER NOT NULL,
	channel TEXT NOT NULL CHECK (channel IN ('sms', 'call')),
	n       INTEGER NOT NULL,
	PRIMARY KEY (day, channel)
);

-- The conversion rate reads the challenges of an hour by creation time.
CREATE INDEX challenges_created ON challenges (created_at);
