-- Published incidents show coarse facts by default (issue 25, item 6): the
-- exact discovery date, a 1° cell and the vessel size together let anyone
-- with an AIS history name the ship. The exact values stay in their
-- columns for analysts; members read only the published_* columns, which
-- the editor derives at the precision the analyst chose.
ALTER TABLE incidents ADD COLUMN date_precision TEXT NOT NULL DEFAULT 'month';
ALTER TABLE incidents ADD COLUMN place_precision TEXT NOT NULL DEFAULT 'area';
ALTER TABLE incidents ADD COLUMN show_size BIGINT NOT NULL DEFAULT 0;
-- The period members see ('2026-03', '2026-W10' or, by explicit choice,
-- '2026-03-04') and its bounds as strings for filters and ordering (a
-- month ends at '-31' whatever its length: only compared, never shown).
ALTER TABLE incidents ADD COLUMN published_period TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN period_start TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN period_end TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN published_cell TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN published_size TEXT NOT NULL DEFAULT '';
-- Incidents published before this change showed the exact day, the 1°
-- cell and the size: they now show the month and the sea area only.
UPDATE incidents SET published_period = substr(occurred_on, 1, 7),
    period_start = substr(occurred_on, 1, 7) || '-01',
    period_end = substr(occurred_on, 1, 7) || '-31';
CREATE INDEX incidents_period ON incidents(state, period_start);

-- Published statistics change only in batches (issue 25, item 8). Every
-- page, download, API answer and live stream reads stat_released: for each
-- reader level (reader_rank, the TLP rank a reader may see up to) a copy
-- of the stat_counts rows at or below it, replaced only when at least k
-- incidents at that level have changed since the last copy, so that two
-- consecutive versions never differ by a single incident.
CREATE TABLE stat_released (
    reader_rank BIGINT NOT NULL,
    dimension TEXT NOT NULL,
    filter TEXT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    bucket TEXT NOT NULL,
    value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (reader_rank, dimension, filter, bucket, value, tlp_rank)
);
-- What was shown until now is the first released version of each level.
INSERT INTO stat_released (reader_rank, dimension, filter, tlp_rank, bucket, value, n)
    SELECT 0, dimension, filter, tlp_rank, bucket, value, n FROM stat_counts WHERE tlp_rank <= 0 AND n <> 0;
INSERT INTO stat_released (reader_rank, dimension, filter, tlp_rank, bucket, value, n)
    SELECT 1, dimension, filter, tlp_rank, bucket, value, n FROM stat_counts WHERE tlp_rank <= 1 AND n <> 0;
INSERT INTO stat_released (reader_rank, dimension, filter, tlp_rank, bucket, value, n)
    SELECT 2, dimension, filter, tlp_rank, bucket, value, n FROM stat_counts WHERE tlp_rank <= 2 AND n <> 0;
INSERT INTO stat_released (reader_rank, dimension, filter, tlp_rank, bucket, value, n)
    SELECT 3, dimension, filter, tlp_rank, bucket, value, n FROM stat_counts WHERE tlp_rank <= 3 AND n <> 0;
INSERT INTO stat_released (reader_rank, dimension, filter, tlp_rank, bucket, value, n)
    SELECT 4, dimension, filter, tlp_rank, bucket, value, n FROM stat_counts WHERE tlp_rank <= 4 AND n <> 0;
