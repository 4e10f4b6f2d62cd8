-- The registry of licensed placement companies (P3MI), searched by anyone at /cek-p3mi and
-- kept by admins (CSV import, edits). The licence status is computed from `valid_until` and
-- `revoked` on the day it is shown.
CREATE TABLE p3mi (
    id @ID@,
    name TEXT NOT NULL,
    -- Lower-case name for search.
    name_search TEXT NOT NULL,
    -- SIP3MI number, normalised (upper case, no spaces).
    licence_no TEXT NOT NULL,
    licence_date TEXT,
    valid_until TEXT,
    revoked BIGINT NOT NULL DEFAULT 0,
    -- Destination countries of its placement permits, ISO codes separated by commas.
    countries TEXT NOT NULL DEFAULT '',
    address TEXT,
    phone TEXT,
    note TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX p3mi_licence ON p3mi (licence_no);
CREATE INDEX p3mi_name ON p3mi (name_search);
