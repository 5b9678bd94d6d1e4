-- One full-text index over forum posts, knowledge-base articles,
-- incidents and advisories. Each feature writes its documents here in the
-- transaction that changes them (`search::index`); a search filters by
-- the same rules as the pages (sharing level, forum category, an
-- incident's release time and reporting organisation).
CREATE TABLE search_documents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- post | article | incident | advisory
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    -- forum posts: their category, whose audience applies
    category_id BIGINT,
    -- incidents: the reporting organisation always sees its own
    org_id BIGINT,
    -- incidents: not before their (delayed) release
    visible_from BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    ) STORED,
    UNIQUE (kind, subject_id)
);
CREATE INDEX search_documents_vector ON search_documents USING GIN (search_vector);

-- Which indexing rules built the documents: a process that starts with
-- newer rules rebuilds the index once, for every process.
CREATE TABLE search_state (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 0);
