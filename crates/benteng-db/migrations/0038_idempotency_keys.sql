-- What a request sent with an `Idempotency-Key` header created, written in the same
-- transaction as the record: a repeat of the request (a phone resending its offline queue,
-- a client retrying after a lost answer) finds the row and gets the first answer instead of
-- a second record. `owner` is `u:<user id>` for signed-in users and API tokens, `publik` for
-- the public report form (there the key alone, made at random on the phone, is the owner).
-- `op` names what was done (`report`, `migrant`, `step`, `visit`), so a key reused for
-- something else is refused. Kept 30 days (retention).
CREATE TABLE idempotency_keys (
    owner TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    op TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
