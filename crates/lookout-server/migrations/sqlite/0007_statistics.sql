-- Statistics: roll-ups of published, released incidents, kept up to date
-- as incidents are published, edited, withdrawn and released, so that no
-- statistic scans the incidents.
--
-- A row counts the incidents of sharing level tlp_rank, in time bucket
-- (a month YYYY-MM; for the weekly series the week's Monday YYYY-MM-DD),
-- matching filter ('' or e.g. 'class=x&sea_area=y', fields in that order),
-- whose dimension has value ('' for the monthly and weekly series).
CREATE TABLE stat_counts (
    dimension TEXT NOT NULL,
    filter TEXT NOT NULL,
    tlp_rank INTEGER NOT NULL,
    bucket TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (dimension, filter, tlp_rank, bucket, value)
);

-- Whether an incident is in the roll-ups. Set and cleared in the same
-- transaction as the counts, so every process counts an incident once.
ALTER TABLE incidents ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX incidents_release ON incidents(counted, visible_from);
