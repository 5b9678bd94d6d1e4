-- Curated news intake: RSS/Atom feeds editors registered, fetched on a
-- schedule by any server process (a lease stops two fetching one feed),
-- and the items they brought, waiting in the editors' queue.
CREATE TABLE news_feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    added_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    next_fetch_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    last_fetched_at INTEGER,
    -- what the last fetch brought, or why it failed, for editors
    last_result TEXT NOT NULL DEFAULT '',
    last_ok INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX news_feeds_due ON news_feeds(next_fetch_at);

CREATE TABLE news_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feed_id INTEGER NOT NULL REFERENCES news_feeds(id) ON DELETE CASCADE,
    -- the feed's own id for the item (guid, Atom id, link): how a refetch
    -- recognises what it already queued
    item_key TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT,
    summary TEXT NOT NULL,
    published_at INTEGER,
    fetched_at INTEGER NOT NULL,
    -- queued | published | dismissed
    state TEXT NOT NULL DEFAULT 'queued',
    decided_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    article_id INTEGER REFERENCES kb_articles(id),
    UNIQUE (feed_id, item_key)
);
CREATE INDEX news_items_queue ON news_items(state, fetched_at);
