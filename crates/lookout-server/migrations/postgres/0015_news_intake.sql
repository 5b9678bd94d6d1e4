-- Curated news intake: RSS/Atom feeds editors registered, fetched on a
-- schedule by any server process (a lease stops two fetching one feed),
-- and the items they brought, waiting in the editors' queue.
CREATE TABLE news_feeds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    added_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    next_fetch_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_fetched_at BIGINT,
    -- what the last fetch brought, or why it failed, for editors
    last_result TEXT NOT NULL DEFAULT '',
    last_ok BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX news_feeds_due ON news_feeds(next_fetch_at);

CREATE TABLE news_items (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed_id BIGINT NOT NULL REFERENCES news_feeds(id) ON DELETE CASCADE,
    -- the feed's own id for the item (guid, Atom id, link): how a refetch
    -- recognises what it already queued
    item_key TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT,
    summary TEXT NOT NULL,
    published_at BIGINT,
    fetched_at BIGINT NOT NULL,
    -- queued | published | dismissed
    state TEXT NOT NULL DEFAULT 'queued',
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    article_id BIGINT REFERENCES kb_articles(id),
    UNIQUE (feed_id, item_key)
);
CREATE INDEX news_items_queue ON news_items(state, fetched_at);
