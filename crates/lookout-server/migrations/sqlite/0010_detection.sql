-- Emerging-risk detection: rules that draft advisories for analysts when
-- triaged reports cluster. Admins tune them on /admin/detection; every
-- process reads them here.
CREATE TABLE detection_rules (
    id TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL,
    -- publish high-confidence firings without an analyst (aggregate rules only)
    auto_publish INTEGER NOT NULL,
    min_reports INTEGER NOT NULL,
    window_hours INTEGER NOT NULL,
    -- how far above its usual rate (percent) a count must be (area-rate only)
    factor_percent INTEGER NOT NULL
);
INSERT INTO detection_rules VALUES ('shared-indicator', 1, 0, 3, 168, 0);
INSERT INTO detection_rules VALUES ('area-rate', 1, 0, 4, 168, 300);
INSERT INTO detection_rules VALUES ('gnss-burst', 1, 0, 3, 24, 0);

-- An indicator seen in a triaged report: a keyed hash to count by, the
-- value sealed for the analysts' draft, who reported it (an organisation,
-- or the report itself when anonymous) and the hour it was received.
CREATE TABLE indicator_sightings (
    lookup TEXT NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    reporter TEXT NOT NULL,
    sealed_value TEXT NOT NULL,
    seen_hour INTEGER NOT NULL,
    PRIMARY KEY (lookup, report_id)
);
CREATE INDEX indicator_sightings_recent ON indicator_sightings(lookup, seen_hour);
CREATE INDEX reports_detection ON reports(class, sea_area, received_hour);
