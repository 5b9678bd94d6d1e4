-- Spent tokens and token counts carry no order and no key.
--
-- A spent token kept its key beside it, in the order tokens were spent
-- (SQLite's rowid), which is the order of the verified reports: the k-th
-- row gave the k-th report's key month. Now a spent token keeps only its
-- fingerprint and when it may be forgotten, a date the same for every
-- token spent at the same time whatever its key (the latest spend_until of
-- any key then), in a table ordered by the random fingerprint.
CREATE TABLE spent_tokens_unordered (
    fingerprint TEXT PRIMARY KEY,
    forget_after INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO spent_tokens_unordered (fingerprint, forget_after)
    SELECT fingerprint, (SELECT COALESCE(MAX(spend_until), 0) FROM token_keys)
    FROM spent_tokens;
DROP TABLE spent_tokens;
ALTER TABLE spent_tokens_unordered RENAME TO spent_tokens;

-- Counts per member and month, ordered by member rather than by who
-- fetched first.
CREATE TABLE token_issuance_unordered (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    taken INTEGER NOT NULL,
    PRIMARY KEY (user_id, period)
) WITHOUT ROWID;
INSERT INTO token_issuance_unordered (user_id, period, taken)
    SELECT user_id, period, taken FROM token_issuance;
DROP TABLE token_issuance;
ALTER TABLE token_issuance_unordered RENAME TO token_issuance;
