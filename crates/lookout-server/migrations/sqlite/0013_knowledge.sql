-- The knowledge base: editors' articles (news, best practice, incident
-- playbooks, tools, guidance) with numbered versions. Members read the
-- published version within its sharing level; a newer version is a draft
-- until a second editor reviews and publishes it.
CREATE TABLE kb_articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    -- draft | published | archived
    state TEXT NOT NULL,
    published_version INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_at INTEGER
);

CREATE TABLE kb_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES kb_articles(id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    -- lower-case tags joined by spaces
    tags TEXT NOT NULL,
    tlp TEXT NOT NULL,
    tlp_rank INTEGER NOT NULL,
    -- incident and advisory references joined by spaces
    incidents TEXT NOT NULL,
    advisories TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    -- the editor who asked for review, and the one who published it
    submitted_by INTEGER REFERENCES users(id),
    reviewed_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    UNIQUE (article_id, number)
);
