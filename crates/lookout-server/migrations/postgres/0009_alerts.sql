-- Rapid alerts: advisories, what each member receives, and the durable
-- outbox that carries it off the portal.

-- An analyst's warning to members. The row says where the advisory stands
-- and which revision members read; the revisions hold every version.
CREATE TABLE advisories (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    -- draft | pending (waits for a second analyst) | published | withdrawn | dismissed
    state TEXT NOT NULL,
    published_revision BIGINT,
    -- 'analyst', or the detection rule that drafted it, with why it fired;
    -- origin_key stops one cluster from drafting twice.
    origin TEXT NOT NULL,
    origin_reason TEXT NOT NULL DEFAULT '',
    origin_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT
);

CREATE TABLE advisory_revisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    advisory_id BIGINT NOT NULL REFERENCES advisories(id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    severity BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    body TEXT NOT NULL,
    actions TEXT NOT NULL,
    indicators TEXT NOT NULL,
    classes TEXT NOT NULL,
    sea_areas TEXT NOT NULL,
    vessel_types TEXT NOT NULL,
    systems TEXT NOT NULL,
    incidents TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id),
    submitted_by BIGINT REFERENCES users(id),
    approved_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (advisory_id, number)
);

-- Something members may be told about: an advisory published, updated or
-- withdrawn, an incident released. Written in the same transaction as the
-- change it announces; a worker then fans it out to its recipients
-- (fanned_out flips in the transaction that writes their notifications).
-- Rows are never changed afterwards, so a retried delivery carries the
-- same content.
CREATE TABLE alerts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_ref TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    severity BIGINT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    reporter_org_id BIGINT REFERENCES organisations(id),
    classes TEXT NOT NULL,
    sea_areas TEXT NOT NULL,
    vessel_types TEXT NOT NULL,
    match_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    fanned_out BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX alerts_fan_out ON alerts(fanned_out, id);

-- What each member chose to receive, and how. No row: the defaults
-- (advisories of any severity and watchlist hits, in the portal only).
CREATE TABLE alert_subscriptions (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    advisories BIGINT NOT NULL,
    min_severity BIGINT NOT NULL,
    incidents BIGINT NOT NULL,
    classes TEXT NOT NULL,
    sea_areas TEXT NOT NULL,
    vessel_types TEXT NOT NULL,
    watchlist_hits BIGINT NOT NULL,
    -- off | immediate | digest
    email TEXT NOT NULL,
    last_digest_at BIGINT NOT NULL DEFAULT 0
);

-- One row per member told about an alert: the in-app list, the feed and
-- the live stream read these. watch_hit is sealed (which of the
-- organisation's watched assets matched).
CREATE TABLE notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alert_id BIGINT NOT NULL REFERENCES alerts(id),
    watch_hit TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    -- 1 while it waits for the member's daily digest email
    in_digest BIGINT NOT NULL DEFAULT 0,
    UNIQUE (user_id, alert_id)
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_digest ON notifications(in_digest, user_id);

-- Members' webhook receivers. The signing secret is sealed under the
-- master key and shown once, when the webhook is added.
CREATE TABLE webhooks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_result TEXT NOT NULL DEFAULT ''
);

-- A member's personal Atom feed: the URL carries a token, found by its
-- hash and kept sealed so the member's alerts page can show the URL again.
CREATE TABLE feed_tokens (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    sealed_token TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Deliveries that leave the portal (email, webhooks, digests). A worker in
-- any process claims due rows with a lease, sends, and marks them sent;
-- failures wait with exponential backoff and end as 'dead' for admins to
-- see. The idempotency key travels with every attempt, so a receiver can
-- recognise a repeat after a crash between sending and marking.
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    webhook_id BIGINT REFERENCES webhooks(id) ON DELETE CASCADE,
    alert_id BIGINT REFERENCES alerts(id),
    -- pending | sent | dead | cancelled
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Organisations' own assets. The value is sealed under the master key;
-- lookup is a keyed hash of kind and value, so a published item's
-- mentions are found without decrypting every entry (IP ranges, which a
-- hash cannot match, are opened and compared).
CREATE TABLE watch_entries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    lookup TEXT NOT NULL,
    sealed_value TEXT NOT NULL,
    added_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, lookup)
);
CREATE INDEX watch_entries_lookup ON watch_entries(lookup);

-- Bumped with every notification written, so each process's live stream
-- learns of new ones with one cheap read.
CREATE TABLE alert_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO alert_version (id, version) VALUES (1, 0);

-- Whether an incident's release has been announced.
ALTER TABLE incidents ADD COLUMN announced BIGINT NOT NULL DEFAULT 0;
-- Incidents already released before alerts existed are not announced.
UPDATE incidents SET announced = 1
    WHERE state = 'published' AND visible_from <= CAST(EXTRACT(EPOCH FROM now()) AS BIGINT);
