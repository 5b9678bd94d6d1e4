-- Rapid alerts: advisories, what each member receives, and the durable
-- outbox that carries it off the portal.

-- An analyst's warning to members. The row says where the advisory stands
-- and which revision members read; the revisions hold every version.
CREATE TABLE advisories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ref TEXT NOT NULL UNIQUE,
    -- draft | pending (waits for a second analyst) | published | withdrawn | dismissed
    state TEXT NOT NULL,
    published_revision INTEGER,
    -- 'analyst', or the detection rule that drafted it, with why it fired;
    -- origin_key stops one cluster from drafting twice.
    origin TEXT NOT NULL,
    origin_reason TEXT NOT NULL DEFAULT '',
    origin_key TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_at INTEGER
);

CREATE TABLE advisory_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    advisory_id INTEGER NOT NULL REFERENCES advisories(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    severity INTEGER NOT NULL,
    tlp TEXT NOT NULL,
    tlp_rank INTEGER NOT NULL,
    body TEXT NOT NULL,
    actions TEXT NOT NULL,
    indicators TEXT NOT NULL,
    classes TEXT NOT NULL,
    sea_areas TEXT NOT NULL,
    vessel_types TEXT NOT NULL,
    systems TEXT NOT NULL,
    incidents TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    submitted_by INTEGER REFERENCES users(id),
    approved_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    UNIQUE (advisory_id, number)
);

-- Something members may be told about: an advisory published, updated or
-- withdrawn, an incident released. Written in the same transaction as the
-- change it announces; a worker then fans it out to its recipients
-- (fanned_out flips in the transaction that writes their notifications).
-- Rows are never changed afterwards, so a retried delivery carries the
-- same content.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    subject_ref TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    severity INTEGER NOT NULL,
    tlp_rank INTEGER NOT NULL,
    reporter_org_id INTEGER REFERENCES organisations(id),
    classes TEXT NOT NULL,
    sea_areas TEXT NOT NULL,
    vessel_types TEXT NOT NULL,
    match_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    fanned_out INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alerts_fan_out ON alerts(fanned_out, id);

-- What each member chose to receive, and how. No row: the defaults
-- (advisories of any severity and watchlist hits, in the portal only).
CREATE TABLE alert_subscriptions (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    advisories INTEGER NOT NULL,
    min_severity INTEGER NOT NULL,
    incidents INTEGER NOT NULL,
    classes TEXT NOT NULL,
    sea_areas TEXT NOT NULL,
    vessel_types TEXT NOT NULL,
    watchlist_hits INTEGER NOT NULL,
    -- off | immediate | digest
    email TEXT NOT NULL,
    last_digest_at INTEGER NOT NULL DEFAULT 0
);

-- One row per member told about an alert: the in-app list, the feed and
-- the live stream read these. watch_hit is sealed (which of the
-- organisation's watched assets matched).
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    watch_hit TEXT,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    -- 1 while it waits for the member's daily digest email
    in_digest INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, alert_id)
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_digest ON notifications(in_digest, user_id);

-- Members' webhook receivers. The signing secret is sealed under the
-- master key and shown once, when the webhook is added.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    sealed_secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_result TEXT NOT NULL DEFAULT ''
);

-- A member's personal Atom feed: the URL carries a token, found by its
-- hash and kept sealed so the member's alerts page can show the URL again.
CREATE TABLE feed_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    sealed_token TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Deliveries that leave the portal (email, webhooks, digests). A worker in
-- any process claims due rows with a lease, sends, and marks them sent;
-- failures wait with exponential backoff and end as 'dead' for admins to
-- see. The idempotency key travels with every attempt, so a receiver can
-- recognise a repeat after a crash between sending and marking.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    webhook_id INTEGER REFERENCES webhooks(id) ON DELETE CASCADE,
    alert_id INTEGER REFERENCES alerts(id),
    -- pending | sent | dead | cancelled
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Organisations' own assets. The value is sealed under the master key;
-- lookup is a keyed hash of kind and value, so a published item's
-- mentions are found without decrypting every entry (IP ranges, which a
-- hash cannot match, are opened and compared).
CREATE TABLE watch_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    lookup TEXT NOT NULL,
    sealed_value TEXT NOT NULL,
    added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, lookup)
);
CREATE INDEX watch_entries_lookup ON watch_entries(lookup);

-- Bumped with every notification written, so each process's live stream
-- learns of new ones with one cheap read.
CREATE TABLE alert_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO alert_version (id, version) VALUES (1, 0);

-- Whether an incident's release has been announced.
ALTER TABLE incidents ADD COLUMN announced INTEGER NOT NULL DEFAULT 0;
-- Incidents already released before alerts existed are not announced.
UPDATE incidents SET announced = 1
    WHERE state = 'published' AND visible_from <= CAST(strftime('%s', 'now') AS INTEGER);
