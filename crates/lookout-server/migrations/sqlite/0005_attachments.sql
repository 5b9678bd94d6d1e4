-- Report attachments. Everything is sealed under the report's key: the
-- original (chain of custody), its name, type and SHA-256 (`sealed_meta`),
-- and the cleaned copy members may be shown once an analyst publishes it
-- with the incident.
CREATE TABLE report_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sealed_meta TEXT NOT NULL,
    sealed_original BLOB NOT NULL,
    sealed_cleaned BLOB,
    published INTEGER NOT NULL DEFAULT 0,
    added_hour INTEGER NOT NULL,
    UNIQUE (report_id, position)
);
