-- The most sensitive sharing level an organisation's members may read
-- (TLP rank: 0 clear, 1 green, 2 amber, 3 amber-strict, 4 red).
ALTER TABLE organisations ADD COLUMN tlp_clearance BIGINT NOT NULL DEFAULT 3;

-- Sanitised incidents: what members and statistics see of a report. Kept
-- in clear on purpose: everything here has been scrubbed and generalised
-- by an analyst. `visible_from` delays anonymous reports' publication so
-- that it cannot be matched to their submission.
CREATE TABLE incidents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    report_id BIGINT NOT NULL UNIQUE REFERENCES reports(id),
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    indicators TEXT NOT NULL,
    class TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    systems TEXT NOT NULL,
    vessel_type TEXT NOT NULL,
    vessel_size TEXT NOT NULL,
    sea_area TEXT NOT NULL,
    position_cell TEXT NOT NULL,
    impact_safety TEXT NOT NULL,
    impact_operations TEXT NOT NULL,
    impact_money TEXT NOT NULL,
    tlp TEXT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    reporter_org_id BIGINT REFERENCES organisations(id),
    named_org TEXT,
    visible_from BIGINT,
    updated_hour BIGINT NOT NULL
);
CREATE INDEX incidents_listing ON incidents(state, occurred_on);
