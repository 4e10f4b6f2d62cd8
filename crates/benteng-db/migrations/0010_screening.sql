-- Screening (issue 4): the watchlist officers keep by hand or import, and the passport
-- interviews screened against it. People named in reports are watched too, read straight from
-- report_people (see screening.rs), so a report's changes reach the watchlist without copying.

CREATE TABLE watchlist (
    id @ID@,
    name TEXT NOT NULL,
    -- Other names the person is known by, one per line.
    aliases TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    nik TEXT,
    -- Phones in +62 form, one per line.
    phones TEXT NOT NULL DEFAULT '',
    -- perekrut | berisiko | hilang | lainnya
    category TEXT NOT NULL,
    -- petugas (an officer's flag) | impor (a list imported from CSV)
    source TEXT NOT NULL,
    note TEXT,
    region_code TEXT REFERENCES regions (code),
    kab_code TEXT,
    prov_code TEXT,
    valid_until TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX watchlist_kab ON watchlist (kab_code, active);
CREATE INDEX watchlist_prov ON watchlist (prov_code, active);
CREATE INDEX watchlist_updated ON watchlist (updated_at);

CREATE TABLE screenings (
    id @ID@,
    office_id BIGINT REFERENCES offices (id),
    -- The office's province: the Kanwil follows its offices' screenings.
    prov_code TEXT,
    -- The applicant's village, when known.
    region_code TEXT REFERENCES regions (code),
    kab_code TEXT,
    officer_id BIGINT NOT NULL REFERENCES users (id),
    applicant_name TEXT NOT NULL,
    nik TEXT,
    birth_date TEXT,
    sex TEXT,
    purpose TEXT NOT NULL,
    destination TEXT,
    job TEXT,
    domestic_work BIGINT NOT NULL DEFAULT 0,
    sponsor_name TEXT,
    sponsor_phone TEXT,
    documents TEXT NOT NULL DEFAULT '',
    score BIGINT NOT NULL,
    level TEXT NOT NULL,
    -- The assessment's findings and the watchlist hits, as JSON, as they were when screened.
    findings TEXT NOT NULL,
    hits TEXT NOT NULL,
    decision TEXT,
    decision_reason TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at BIGINT,
    batch BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX screenings_office ON screenings (office_id, created_at);
CREATE INDEX screenings_prov ON screenings (prov_code, created_at);
CREATE INDEX screenings_region ON screenings (region_code, created_at);
