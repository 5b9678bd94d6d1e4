-- Analysts' age key pairs. The private key is encrypted (age scrypt) with
-- the analyst's password, so neither the database nor the master key
-- alone opens a confidential reporter's identity.
CREATE TABLE analyst_keys (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    public_key TEXT NOT NULL,
    sealed_private_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Confidential reports: who reported, encrypted to every analyst's key.
ALTER TABLE reports ADD COLUMN sealed_identity TEXT;
