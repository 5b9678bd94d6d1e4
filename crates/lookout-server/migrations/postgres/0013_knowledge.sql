-- The knowledge base: editors' articles (news, best practice, incident
-- playbooks, tools, guidance) with numbered versions. Members read the
-- published version within its sharing level; a newer version is a draft
-- until a second editor reviews and publishes it.
CREATE TABLE kb_articles (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    -- draft | published | archived
    state TEXT NOT NULL,
    published_version BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT
);

CREATE TABLE kb_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES kb_articles(id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    -- lower-case tags joined by spaces
    tags TEXT NOT NULL,
    tlp TEXT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    -- incident and advisory references joined by spaces
    incidents TEXT NOT NULL,
    advisories TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id),
    -- the editor who asked for review, and the one who published it
    submitted_by BIGINT REFERENCES users(id),
    reviewed_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (article_id, number)
);
