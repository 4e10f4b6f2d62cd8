-- Secrets every instance of one installation shares, made once by the first instance that
-- needs them (crates/benteng-db/src/sessions.rs, `server_secret`): the key that signs the
-- anonymous visitors' CSRF tokens, so that public pages need no session row.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
