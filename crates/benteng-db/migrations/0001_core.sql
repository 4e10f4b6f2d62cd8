-- Platform core: regions, offices and their dated working areas, agencies, users, desa binaan,
-- visits, sessions, API tokens, audit log.
-- One file for SQLite and PostgreSQL: @ID@ becomes the backend's auto-increment primary key;
-- everything else is the common subset (TEXT, BIGINT, dates as 'YYYY-MM-DD' text, instants as
-- Unix seconds, booleans as 0/1) so one code path reads both.

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level BIGINT NOT NULL,
    parent_code TEXT,
    name_search TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code, code);

CREATE TABLE offices (
    id @ID@,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    province_code TEXT NOT NULL REFERENCES regions (code),
    address TEXT,
    phone TEXT,
    email TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX offices_name ON offices (name);

CREATE TABLE office_areas (
    id @ID@,
    office_id BIGINT NOT NULL REFERENCES offices (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX office_areas_office ON office_areas (office_id);
CREATE INDEX office_areas_region ON office_areas (region_code);

CREATE TABLE agencies (
    id @ID@,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    address TEXT,
    phone TEXT,
    email TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX agencies_name ON agencies (name);

CREATE TABLE users (
    id @ID@,
    username TEXT NOT NULL,
    full_name TEXT NOT NULL,
    email TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    pimpasa BIGINT NOT NULL DEFAULT 0,
    pemeriksa BIGINT NOT NULL DEFAULT 0,
    office_id BIGINT REFERENCES offices (id),
    agency_id BIGINT REFERENCES agencies (id),
    region_code TEXT REFERENCES regions (code),
    home_code TEXT,
    locale TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    last_login_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);

CREATE TABLE desa_binaan (
    id @ID@,
    region_code TEXT NOT NULL REFERENCES regions (code),
    kab_code TEXT NOT NULL,
    prov_code TEXT NOT NULL,
    office_id BIGINT NOT NULL REFERENCES offices (id),
    sk_number TEXT NOT NULL,
    sk_date TEXT NOT NULL,
    status TEXT NOT NULL,
    population BIGINT,
    residents_abroad BIGINT,
    kantong_pmi BIGINT NOT NULL DEFAULT 0,
    notes TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX desa_binaan_region ON desa_binaan (region_code);
CREATE INDEX desa_binaan_kab ON desa_binaan (kab_code);
CREATE INDEX desa_binaan_prov ON desa_binaan (prov_code);

CREATE TABLE desa_binaan_officers (
    desa_binaan_id BIGINT NOT NULL REFERENCES desa_binaan (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (desa_binaan_id, user_id)
);

CREATE TABLE desa_binaan_contacts (
    id @ID@,
    desa_binaan_id BIGINT NOT NULL REFERENCES desa_binaan (id),
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    phone TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX desa_binaan_contacts_db ON desa_binaan_contacts (desa_binaan_id);

CREATE TABLE village_visits (
    id @ID@,
    desa_binaan_id BIGINT NOT NULL REFERENCES desa_binaan (id),
    visit_date TEXT NOT NULL,
    officer_id BIGINT NOT NULL REFERENCES users (id),
    departures_seen BIGINT,
    returns_seen BIGINT,
    foreigners_staying BIGINT,
    findings TEXT NOT NULL,
    problems TEXT,
    follow_up TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX village_visits_db ON village_visits (desa_binaan_id, visit_date);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id @ID@,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE audit_log (
    id @ID@,
    at BIGINT NOT NULL,
    user_id BIGINT,
    username TEXT,
    ip TEXT,
    request_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    region_code TEXT,
    sensitive BIGINT NOT NULL DEFAULT 0,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_region ON audit_log (region_code);
