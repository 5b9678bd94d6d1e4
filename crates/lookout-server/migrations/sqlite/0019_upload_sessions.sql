-- Resumable uploads for reports sent over links that drop (lookout report
-- submit): the client creates a session, sends the report's JSON in
-- chunks, each appended at the offset the server has, and asks for the
-- report once all has arrived. The id is the client's secret: only its
-- keyed hash is kept. Chunks are sealed; times are kept to the hour.
CREATE TABLE upload_sessions (
    id_hash TEXT PRIMARY KEY,
    length INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    -- receiving | submitting | submitted
    state TEXT NOT NULL DEFAULT 'receiving',
    created_hour INTEGER NOT NULL,
    -- The answer to the report (reference, receipt), sealed under a key
    -- derived from the id, which only the client holds: asked again after
    -- a lost answer, the portal gives the same one and stores no second
    -- report.
    sealed_result BLOB
);
CREATE TABLE upload_chunks (
    id_hash TEXT NOT NULL REFERENCES upload_sessions(id_hash) ON DELETE CASCADE,
    at_offset INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (id_hash, at_offset)
);
