-- Spent tokens carry no key.
--
-- A spent token kept its key beside it, in the order tokens were spent
-- (the heap's insertion order), which is the order of the verified
-- reports: the k-th row gave the k-th report's key month. Now a spent
-- token keeps only its fingerprint and when it may be forgotten, a date
-- the same for every token spent at the same time whatever its key (the
-- latest spend_until of any key then). The heap still keeps rows in the
-- order they were spent, but a fingerprint says nothing of its key
-- without the token's nonce, which the portal does not keep.
CREATE TABLE spent_tokens_unordered (
    fingerprint TEXT PRIMARY KEY,
    forget_after BIGINT NOT NULL
);
INSERT INTO spent_tokens_unordered (fingerprint, forget_after)
    SELECT fingerprint, (SELECT COALESCE(MAX(spend_until), 0) FROM token_keys)
    FROM spent_tokens ORDER BY fingerprint;
DROP TABLE spent_tokens;
ALTER TABLE spent_tokens_unordered RENAME TO spent_tokens;
ALTER INDEX spent_tokens_unordered_pkey RENAME TO spent_tokens_pkey;
