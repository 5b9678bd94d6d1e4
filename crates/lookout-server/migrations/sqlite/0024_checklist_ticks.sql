-- A member's own progress through a playbook's checklist: which items
-- they ticked, by the item's text (an edit to one item leaves the others'
-- ticks alone). Nobody else reads it; it goes with the account.
CREATE TABLE kb_checklist_ticks (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    ticked_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, article_id, item)
);
