-- One row that `/healthz` updates in its own transaction: a write that fails exactly when a
-- report's commit would (a full disk), so the health check tells the truth about writes.
CREATE TABLE health_probe (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL
);
INSERT INTO health_probe (id, at) VALUES (1, 0);

-- Server-wide switches an operator sets from the command line, e.g. `delivery_hold` (a
-- restored copy sends no e-mail, WhatsApp, SMS or webhook until `benteng delivery resume`).
CREATE TABLE server_flags (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    set_at BIGINT NOT NULL
);
