-- The members' forum: categories set by admins, threads with a sharing
-- level, posts in Markdown with their earlier versions, cleaned
-- attachments, members' reports of posts, and who follows what.

-- Who may read and post in a category, besides moderators and admins:
-- the roles and organisation kinds listed (ids joined by spaces); both
-- empty means every signed-in member.
CREATE TABLE forum_categories (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position BIGINT NOT NULL DEFAULT 0,
    roles TEXT NOT NULL DEFAULT '',
    org_kinds TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

-- A thread names no author: its first post does (or, pseudonymous, does not).
CREATE TABLE forum_threads (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    category_id BIGINT NOT NULL REFERENCES forum_categories(id),
    title TEXT NOT NULL,
    tlp TEXT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    pinned BIGINT NOT NULL DEFAULT 0,
    locked BIGINT NOT NULL DEFAULT 0,
    post_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_post_at BIGINT NOT NULL
);
CREATE INDEX forum_threads_by_category ON forum_threads(category_id, pinned, last_post_at);

-- An attributed post names its author. A pseudonymous one holds no account
-- id: only the pseudonym shown and author_tag, an HMAC of thread and member
-- under the server's key file, so the server can recognise its author (to
-- edit or delete) while the database alone cannot.
CREATE TABLE forum_posts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES forum_threads(id),
    number BIGINT NOT NULL,
    author_id BIGINT REFERENCES users(id),
    author_tag TEXT,
    pseudonym TEXT,
    body TEXT NOT NULL,
    -- visible | hidden (by a moderator) | deleted (by its author: no text kept)
    state TEXT NOT NULL DEFAULT 'visible',
    hidden_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    UNIQUE (thread_id, number)
);
CREATE INDEX forum_posts_by_tag ON forum_posts(author_tag);
CREATE INDEX forum_posts_by_author ON forum_posts(author_id);

-- Each text a post had before an edit, with when it was replaced.
CREATE TABLE forum_post_revisions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    replaced_at BIGINT NOT NULL
);
CREATE INDEX forum_post_revisions_by_post ON forum_post_revisions(post_id, id);

-- Only the cleaned copy is kept (metadata removed by lookout-attachments),
-- sealed under the master key with its name and type.
CREATE TABLE forum_attachments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    post_id BIGINT NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    sealed_meta TEXT NOT NULL,
    sealed_bytes BYTEA NOT NULL,
    size BIGINT NOT NULL
);
CREATE INDEX forum_attachments_by_post ON forum_attachments(post_id);

-- Members' reports of posts, for the moderators' queue.
CREATE TABLE forum_flags (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    reporter_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES users(id),
    UNIQUE (post_id, reporter_id)
);
CREATE INDEX forum_flags_open ON forum_flags(resolved_at, created_at);

-- Threads and categories members follow: kind 'thread' or 'category'.
CREATE TABLE forum_follows (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, target_id)
);
CREATE INDEX forum_follows_by_target ON forum_follows(kind, target_id);

-- Alerts addressed to named members (a forum mention, a reply in a
-- followed thread) instead of to subscribers. The fan-out checks again
-- that each may still read what the alert is about.
CREATE TABLE alert_recipients (
    alert_id BIGINT NOT NULL REFERENCES alerts(id),
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (alert_id, user_id)
);
