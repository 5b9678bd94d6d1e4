-- Salts for the anonymous-path throttle (receipt codes): one random salt
-- per UTC hour, shared by every process, deleted once the hour has ended.
CREATE TABLE throttle_salts (
    hour INTEGER PRIMARY KEY,
    salt TEXT NOT NULL
);
