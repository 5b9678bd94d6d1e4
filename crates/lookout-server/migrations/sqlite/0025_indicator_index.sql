-- The typed indicators of each published incident and advisory, kept with
-- the search index (`search_documents`), whose row says who may read the
-- subject: "have we seen 185.220.101.4?" is an indexed look-up. `stated`
-- is 0 for a host only found inside a URL or e-mail address; `match_value`
-- is the value compared (malware families in lower case).
CREATE TABLE indicator_index (
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    match_value TEXT NOT NULL,
    value TEXT NOT NULL,
    stated INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (subject_kind, subject_id, kind, match_value)
);
CREATE INDEX indicator_index_by_value ON indicator_index(kind, match_value);
