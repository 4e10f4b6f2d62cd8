-- Outbound webhooks (crates/benteng-domain/src/webhook.rs, docs/webhooks.md): a partner
-- system hears about chosen events within a province or kabupaten/kota (NULL: the country),
-- signed with its secret. Deliveries are written in the transaction of the change they
-- announce, like the outbox, and sent by the delivery worker.
CREATE TABLE webhooks (
    id @ID@,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    -- Event names between commas: ",report.filed,alert.sent,".
    events TEXT NOT NULL,
    region_code TEXT,
    -- The signing key ("whsec_" and base64, the Standard Webhooks form). After a rotation the
    -- previous one signs beside it until previous_until.
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_until BIGINT,
    -- 1: sending; 0: paused (by its owner, or after failure_limit consecutive failures).
    active BIGINT NOT NULL,
    paused_reason TEXT,
    paused_at BIGINT,
    failure_limit BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    last_success_at BIGINT,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    deleted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE webhook_deliveries (
    id @ID@,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id),
    -- The receiver's deduplication key, the same on every attempt.
    delivery_id TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    -- The exact body sent (JSON), fixed when the event happened.
    payload TEXT NOT NULL,
    -- pending, sending, retry, sent, failed.
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
CREATE TABLE webhook_attempts (
    id @ID@,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id),
    attempt BIGINT NOT NULL,
    worker TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    http_status BIGINT,
    -- sent, retry, failed, lease_lost.
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
