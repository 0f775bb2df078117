-- Reply codes are kept as a keyed hash, like codes: reply_mac is the HMAC,
-- under the server key, of the phone and the reply code (phonegate.Keys
-- ReplyMAC), and the page derives the code it shows from the challenge ID
-- under the same key. No readable reply code stays in the database.
--
-- A stored reply code cannot become a MAC without the server key, so the
-- pending challenges of before lose theirs: they still take the six-digit
-- code, and the code page offers no reply code for them; the next
-- challenge has one again. Challenges live ten minutes.
ALTER TABLE challenges DROP COLUMN reply_code;
ALTER TABLE challenges ADD COLUMN reply_mac BLOB;

-- An inbound message finds its challenge in one indexed read.
CREATE INDEX challenges_reply ON challenges (reply_mac, phone) WHERE state = 'pending';
