-- Files attached to a report form that came back to its reporter (a
-- preview, a problem to fix, a token to confirm): cleaned, sealed under a
-- key derived from a random handle that only the reporter's page holds
-- (its keyed hash finds the row), deleted when the report is sent or
-- within two hours. Nothing links a row to a person, a session or an
-- address; the time is kept to the hour.
CREATE TABLE held_files (
    handle_hash TEXT PRIMARY KEY,
    sealed_meta BYTEA NOT NULL,
    sealed_original BYTEA,
    sealed_cleaned BYTEA,
    expires_hour BIGINT NOT NULL
);
