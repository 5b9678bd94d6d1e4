-- Malware analysis. A sample's bytes are kept once per content, sealed
-- (never served raw); each upload is an analysis with its own sharing
-- level, queued for the workers of any server process.
CREATE TABLE analysis_samples (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    sealed_bytes BLOB NOT NULL,
    first_seen INTEGER NOT NULL
);

CREATE TABLE analyses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ref TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL REFERENCES analysis_samples(sha256),
    md5 TEXT NOT NULL,
    sha1 TEXT NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users(id),
    org_id INTEGER REFERENCES organisations(id),
    tlp TEXT NOT NULL,
    tlp_rank INTEGER NOT NULL,
    -- the file name as uploaded: it can name the company or the ship
    sealed_name TEXT NOT NULL,
    -- queued, running, done or failed
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- a worker holds a running analysis until then; past it, another may
    lease_until INTEGER,
    -- the analysis JSON, sealed: it quotes the file's strings
    sealed_result TEXT,
    verdict TEXT,
    file_type TEXT,
    tlsh TEXT,
    failure TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX analyses_queue ON analyses(state, lease_until);
CREATE INDEX analyses_by_sha256 ON analyses(sha256);
CREATE INDEX analyses_by_submitter ON analyses(submitted_by, created_at);

-- Indicators each finished analysis found, as keyed hashes (as the
-- watchlist keeps them), to find analyses that share one.
CREATE TABLE analysis_indicators (
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    lookup TEXT NOT NULL,
    PRIMARY KEY (analysis_id, lookup)
);
CREATE INDEX analysis_indicators_by_lookup ON analysis_indicators(lookup);

-- Analysts' rule files, matched with the starter rules. Every process
-- recompiles when `analysis_rules_version` moves.
CREATE TABLE analysis_rulesets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    rule_count INTEGER NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at INTEGER NOT NULL
);
CREATE TABLE analysis_rules_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO analysis_rules_version VALUES (1, 0);
