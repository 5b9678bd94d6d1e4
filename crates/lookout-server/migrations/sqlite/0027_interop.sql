-- What the portal publishes in STIX 2.1 and MISP form, kept ready to
-- serve: TAXII pages a million objects by reading rows, not by building
-- documents. Each published incident, advisory and analysis is exported
-- after every change (`intel_dirty` holds those waiting), its objects put
-- in the collection of its sharing level ('clear' ... 'red') and, for an
-- incident or analysis of a member organisation, in 'org-<id>'.
CREATE TABLE intel_dirty (
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    PRIMARY KEY (subject_kind, subject_id)
);

-- One row per object of a subject in a collection; the portal's own
-- identity and marking definitions once per collection (subject 'portal').
-- `date_added` (microseconds) is when the object (this version) became
-- readable: TAXII's added_after and paging run on (date_added, id).
CREATE TABLE intel_objects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    stix_id TEXT NOT NULL,
    stix_type TEXT NOT NULL,
    version TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    date_added INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, subject_kind, subject_id, stix_id)
);
CREATE INDEX intel_objects_paging ON intel_objects(collection, date_added, id);
CREATE INDEX intel_objects_by_stix_id ON intel_objects(collection, stix_id);
CREATE INDEX intel_objects_by_subject ON intel_objects(subject_kind, subject_id);

-- One MISP event per published incident, advisory and analysis, with who
-- may read it (the same rule as its page).
CREATE TABLE intel_events (
    subject_kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    uuid TEXT NOT NULL UNIQUE,
    tlp_rank INTEGER NOT NULL,
    org_id INTEGER,
    org_only INTEGER NOT NULL,
    date_added INTEGER NOT NULL,
    event TEXT NOT NULL,
    manifest_entry TEXT NOT NULL,
    hashes TEXT NOT NULL,
    PRIMARY KEY (subject_kind, subject_id)
);
CREATE INDEX intel_events_by_date ON intel_events(date_added);

-- Bundles members POST to TAXII: each object becomes a report in triage;
-- the status resource says how many did.
CREATE TABLE taxii_status (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
