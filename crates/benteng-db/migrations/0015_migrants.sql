-- The village's register of calon PMI (prospective migrant workers), the legal checklist as
-- data, each resident's progress on it, and the family permission letters the village issued.

-- The checklist (seeded from benteng_domain::migrant::DEFAULT_STEPS by the data step).
CREATE TABLE checklist_steps (
    code TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    label TEXT NOT NULL,
    legal TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_until TEXT,
    required BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);

CREATE TABLE migrants (
    id @ID@,
    village_code TEXT NOT NULL REFERENCES regions (code),
    kab_code TEXT NOT NULL,
    prov_code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_search TEXT NOT NULL,
    -- 16 digits; sensitive (masked in lists, unmasked views audited).
    nik TEXT,
    -- Codes of what the NIK check found (nik:dob_mismatch, age:under_18, …), comma separated.
    nik_flags TEXT NOT NULL DEFAULT '',
    birth_place TEXT,
    birth_date TEXT,
    -- 'l' or 'p'.
    sex TEXT,
    phone TEXT,
    address TEXT,
    destination TEXT,
    job TEXT,
    scheme TEXT NOT NULL DEFAULT 'belum_tahu',
    p3mi_id BIGINT REFERENCES p3mi (id),
    status TEXT NOT NULL,
    departure_date TEXT,
    return_date TEXT,
    -- 1 when the resident left with required steps unsettled (recomputed on every change).
    nonprocedural BIGINT NOT NULL DEFAULT 0,
    note TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX migrants_village ON migrants (village_code, status, id);
CREATE INDEX migrants_kab ON migrants (kab_code, status, id);
CREATE INDEX migrants_prov ON migrants (prov_code, status, id);
CREATE INDEX migrants_nik ON migrants (nik);

CREATE TABLE migrant_steps (
    migrant_id BIGINT NOT NULL REFERENCES migrants (id),
    step TEXT NOT NULL REFERENCES checklist_steps (code),
    status TEXT NOT NULL,
    done_on TEXT,
    note TEXT,
    storage_key TEXT,
    content_type TEXT,
    file_name TEXT,
    verified_by BIGINT REFERENCES users (id),
    verified_at BIGINT,
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (migrant_id, step)
);

CREATE TABLE migrant_events (
    id @ID@,
    migrant_id BIGINT NOT NULL REFERENCES migrants (id),
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    detail TEXT,
    note TEXT
);
CREATE INDEX migrant_events_migrant ON migrant_events (migrant_id, at);

CREATE TABLE permission_letters (
    id @ID@,
    migrant_id BIGINT NOT NULL REFERENCES migrants (id),
    village_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    giver_name TEXT NOT NULL,
    giver_nik TEXT,
    giver_birth TEXT,
    giver_address TEXT,
    relation TEXT NOT NULL,
    head_name TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX permission_letters_number ON permission_letters (village_code, year, seq);
CREATE INDEX permission_letters_migrant ON permission_letters (migrant_id);
