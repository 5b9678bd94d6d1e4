-- The weekly series is now kept per calendar month as well (value = the
-- incident's month, YYYY-MM), so weeks and months are published as one
-- table whose rows are weeks and whose columns are months: a week that
-- straddles two months can then never be subtracted from a month to
-- reveal a small count. The roll-ups are rebuilt from the incidents by
-- the next statistics read (rollup::catch_up).
DELETE FROM stat_counts;
UPDATE incidents SET counted = 0 WHERE counted = 1;

-- Bumped whenever the roll-ups change, so every process can tell its
-- live statistics pages that there is something new without scanning.
CREATE TABLE stat_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO stat_version (id, version) VALUES (1, 0);
