-- One row that `/healthz` updates in its own transaction: a write that fails exactly when a
-- report's commit would (a full disk), so the health check tells the truth about writes.
CREATE TABLE health_probe (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL
);
INSERT INTO health_probe (id, at) VALUES (1, 0);
