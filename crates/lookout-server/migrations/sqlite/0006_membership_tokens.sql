-- Verified-anonymous reports: one-time membership tokens (RFC 9474 blind
-- RSA). Nothing here links a spent token to the member who fetched it:
-- issuance keeps only a count per member and period, spending only a hash
-- of a nonce the portal never saw at issuance.

-- One key pair per period (a calendar month). The private key is sealed
-- under the master key and erased when the period ends; the public key
-- stays published, so tokens can be spent until spend_until.
CREATE TABLE token_keys (
    id TEXT PRIMARY KEY,
    period TEXT NOT NULL UNIQUE,
    spki TEXT NOT NULL,
    sealed_secret TEXT,
    issue_from INTEGER NOT NULL,
    issue_until INTEGER NOT NULL,
    spend_until INTEGER NOT NULL
);

-- How many tokens a member took in a period: no time, no blinded values.
CREATE TABLE token_issuance (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    taken INTEGER NOT NULL,
    PRIMARY KEY (user_id, period)
);

-- Spent tokens, by fingerprint (SHA-256 of key id and nonce): no time, no
-- report. Cleared once their key no longer accepts spending.
CREATE TABLE spent_tokens (
    fingerprint TEXT PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES token_keys(id)
);

-- Run-time settings an admin changes; every process reads them here.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A session that fetched tokens may not spend one (it would link them).
ALTER TABLE sessions ADD COLUMN fetched_tokens INTEGER NOT NULL DEFAULT 0;

-- Reports that came with a valid token: from a member, no one knows who;
-- their incidents carry the mark to members and statistics.
ALTER TABLE reports ADD COLUMN verified_member INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN verified_member INTEGER NOT NULL DEFAULT 0;
