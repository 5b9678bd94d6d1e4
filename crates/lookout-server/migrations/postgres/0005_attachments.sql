-- Report attachments. Everything is sealed under the report's key: the
-- original (chain of custody), its name, type and SHA-256 (`sealed_meta`),
-- and the cleaned copy members may be shown once an analyst publishes it
-- with the incident.
CREATE TABLE report_attachments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    sealed_meta TEXT NOT NULL,
    sealed_original BYTEA NOT NULL,
    sealed_cleaned BYTEA,
    published BIGINT NOT NULL DEFAULT 0,
    added_hour BIGINT NOT NULL,
    UNIQUE (report_id, position)
);
