-- Who disabled an account: 'organisation' (its org-admin) or 'operator'
-- (a portal admin or the CLI). An org-admin may only undo their own.
ALTER TABLE users ADD COLUMN disabled_by TEXT NOT NULL DEFAULT '';
