-- The second factor (TOTP, RFC 6238), its recovery codes, what the account page lists about
-- sessions and API tokens, and the devices a user has signed in from (docs/security.md).

-- One authenticator per user. `enabled` is 0 while the user has scanned the code but not yet
-- confirmed it. The secret must be readable to check codes, so it is stored as is (base32):
-- the database and its backups are the boundary that keeps it. `last_step` is the last time
-- step accepted, so a code cannot be used twice. `recovery_salt` salts the recovery codes'
-- hashes.
CREATE TABLE user_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 0,
    last_step BIGINT,
    recovery_salt TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    enabled_at BIGINT
);

-- Ten one-time codes per user, stored as SHA-256 of salt and code; a used one keeps `used_at`.
CREATE TABLE totp_recovery_codes (
    id @ID@,
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX totp_recovery_user ON totp_recovery_codes (user_id);

-- Whether the user has a confirmed second factor, read with the user on every request.
ALTER TABLE users ADD COLUMN totp_enabled BIGINT NOT NULL DEFAULT 0;

-- What the account page shows of a session or token: when it began, a short name of the
-- browser ("Firefox · Android") and the network it came from (IPv4 /24, IPv6 /48).
ALTER TABLE sessions ADD COLUMN signed_in_at BIGINT;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
ALTER TABLE sessions ADD COLUMN device TEXT;
ALTER TABLE sessions ADD COLUMN network TEXT;
ALTER TABLE api_tokens ADD COLUMN device TEXT;
ALTER TABLE api_tokens ADD COLUMN network TEXT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Devices a user has fully signed in from (a hash of user agent and network), for the notice
-- on a sign-in from a new one.
CREATE TABLE known_devices (
    user_id BIGINT NOT NULL REFERENCES users (id),
    device_hash TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);
