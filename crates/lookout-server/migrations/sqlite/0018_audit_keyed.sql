-- 1 once an entry's hash is an HMAC under the portal's key (outside the
-- database); 0 for entries written before, which the server checks and
-- seals with the key once at start (`audit::key_chain`).
ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
