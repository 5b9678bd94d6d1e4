-- Sightings: a member says "we saw this too" about a published advisory
-- or an indicator. `subject` is `advisory:<id>`, or `indicator:` and a
-- keyed hash of the indicator's kind and canonical value (the value itself
-- is not kept). `seen_day` is the day the member saw it (UTC midnight, in
-- seconds). An attributed sighting keeps its organisation and member; an
-- anonymous one keeps neither (it spent a membership token instead). No
-- time finer than the hour is kept, and ids are random, so rows carry no
-- order that dates them.
CREATE TABLE sightings (
    id BIGINT PRIMARY KEY,
    subject TEXT NOT NULL,
    seen_day BIGINT NOT NULL,
    org_id BIGINT REFERENCES organisations(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_hour BIGINT NOT NULL
);
-- One attributed sighting per organisation, subject and day (NULLs, the
-- anonymous ones, never collide).
CREATE UNIQUE INDEX sightings_once ON sightings(subject, org_id, seen_day);
CREATE INDEX sightings_by_day ON sightings(subject, seen_day);

-- The emerging-risk rule on sightings: N organisations within the window.
INSERT INTO detection_rules VALUES ('sightings', 1, 0, 5, 168, 0);
