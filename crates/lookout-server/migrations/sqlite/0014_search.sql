-- One full-text index over forum posts, knowledge-base articles,
-- incidents and advisories. Each feature writes its documents here in the
-- transaction that changes them (`search::index`); a search filters by
-- the same rules as the pages (sharing level, forum category, an
-- incident's release time and reporting organisation).
CREATE TABLE search_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- post | article | incident | advisory
    kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tlp_rank INTEGER NOT NULL,
    -- forum posts: their category, whose audience applies
    category_id INTEGER,
    -- incidents: the reporting organisation always sees its own
    org_id INTEGER,
    -- incidents: not before their (delayed) release
    visible_from INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    UNIQUE (kind, subject_id)
);

CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body,
    content = 'search_documents', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- Which indexing rules built the documents: a process that starts with
-- newer rules rebuilds the index once, for every process.
CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 0);
