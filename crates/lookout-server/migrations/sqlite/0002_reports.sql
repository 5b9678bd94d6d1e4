-- Incident reports. Narrative, indicators, position and the exact time of
-- discovery are sealed (per-record key wrapped by the master key); times
-- kept in clear are coarsened to the hour.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ref TEXT NOT NULL UNIQUE,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    reporter_user_id INTEGER REFERENCES users(id),
    reporter_org_id INTEGER REFERENCES organisations(id),
    share_name INTEGER NOT NULL DEFAULT 0,
    receipt_hash TEXT UNIQUE,
    received_hour INTEGER NOT NULL,
    updated_hour INTEGER NOT NULL,
    class TEXT NOT NULL,
    discovered_on TEXT NOT NULL,
    systems TEXT NOT NULL,
    vessel_type TEXT NOT NULL,
    vessel_size TEXT NOT NULL,
    sea_area TEXT NOT NULL,
    impact_safety TEXT NOT NULL,
    impact_operations TEXT NOT NULL,
    impact_money TEXT NOT NULL,
    tlp TEXT NOT NULL,
    wrapped_key TEXT NOT NULL,
    sealed_body TEXT NOT NULL,
    duplicate_of INTEGER REFERENCES reports(id)
);
CREATE INDEX reports_status ON reports(status, id);
CREATE INDEX reports_reporter ON reports(reporter_user_id);

CREATE TABLE report_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    from_analyst INTEGER NOT NULL,
    analyst_id INTEGER REFERENCES users(id),
    sealed_body TEXT NOT NULL,
    sent_hour INTEGER NOT NULL
);
CREATE INDEX report_messages_report ON report_messages(report_id, id);
