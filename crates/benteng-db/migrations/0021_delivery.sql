-- Delivery of outbox rows by e-mail, WhatsApp and SMS: a worker claims due rows for a while
-- (a lease), records every attempt, and retries with backoff.
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);

CREATE TABLE outbox_attempts (
    id @ID@,
    outbox_id BIGINT NOT NULL REFERENCES outbox (id),
    attempt BIGINT NOT NULL,
    worker TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    -- 'sent', 'retry' or 'failed'.
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id, attempt);
