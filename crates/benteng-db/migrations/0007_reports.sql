-- Reports, referrals, cases and the notification outbox.
-- A statement starting with @SQLITE@ or @PG@ runs on that backend only (full-text search).

CREATE TABLE reports (
    id @ID@,
    tracking_code TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    kab_code TEXT NOT NULL,
    prov_code TEXT NOT NULL,
    description TEXT NOT NULL,
    places TEXT,
    destination_country TEXT,
    incident_date TEXT,
    departure_soon BIGINT NOT NULL DEFAULT 0,
    anonymous BIGINT NOT NULL DEFAULT 1,
    reporter_name TEXT,
    reporter_phone TEXT,
    reporter_user_id BIGINT REFERENCES users (id),
    assigned_to BIGINT REFERENCES users (id),
    indicators TEXT NOT NULL DEFAULT '',
    priority BIGINT NOT NULL DEFAULT 0,
    priority_reasons TEXT NOT NULL DEFAULT '',
    merged_into BIGINT REFERENCES reports (id),
    search_text TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX reports_tracking ON reports (tracking_code);
CREATE INDEX reports_queue ON reports (status, priority, created_at);
CREATE INDEX reports_kab ON reports (kab_code, status, priority, created_at);
CREATE INDEX reports_prov ON reports (prov_code, created_at);
CREATE INDEX reports_region ON reports (region_code, created_at);
CREATE INDEX reports_created ON reports (created_at);
CREATE INDEX reports_assigned ON reports (assigned_to, status);
@SQLITE@ CREATE VIRTUAL TABLE report_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
@PG@ CREATE INDEX reports_fts ON reports USING GIN (to_tsvector('simple', COALESCE(search_text, '')));

CREATE TABLE report_people (
    id @ID@,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    role TEXT NOT NULL,
    name TEXT,
    name_key TEXT,
    phone TEXT,
    nik TEXT,
    sex TEXT,
    minor BIGINT NOT NULL DEFAULT 0,
    village TEXT,
    note TEXT
);
CREATE INDEX report_people_report ON report_people (report_id);
CREATE INDEX report_people_phone ON report_people (phone);
CREATE INDEX report_people_name ON report_people (name_key);

CREATE TABLE report_events (
    id @ID@,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    body TEXT
);
CREATE INDEX report_events_report ON report_events (report_id, at);

CREATE TABLE report_attachments (
    id @ID@,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    storage_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);

CREATE TABLE cases (
    id @ID@,
    case_number TEXT NOT NULL,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    status TEXT NOT NULL,
    region_code TEXT NOT NULL,
    kab_code TEXT NOT NULL,
    prov_code TEXT NOT NULL,
    office_id BIGINT REFERENCES offices (id),
    owner_id BIGINT REFERENCES users (id),
    trafficking_status TEXT NOT NULL,
    decision_org TEXT,
    exploitation TEXT NOT NULL DEFAULT '',
    destination_country TEXT,
    legal_stage TEXT NOT NULL,
    legal_reference TEXT,
    outcome TEXT,
    closure_reason TEXT,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX cases_number ON cases (case_number);
CREATE UNIQUE INDEX cases_report ON cases (report_id);
CREATE INDEX cases_kab ON cases (kab_code, opened_at);
CREATE INDEX cases_prov ON cases (prov_code, opened_at);

CREATE TABLE case_people (
    id @ID@,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    nik TEXT,
    sex TEXT,
    birth_date TEXT,
    phone TEXT,
    region_code TEXT,
    role_in_process TEXT,
    consent BIGINT NOT NULL DEFAULT 0,
    note TEXT
);
CREATE INDEX case_people_case ON case_people (case_id);

CREATE TABLE case_services (
    id @ID@,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    service_date TEXT NOT NULL,
    service_type TEXT NOT NULL,
    provider TEXT NOT NULL,
    note TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX case_services_case ON case_services (case_id);

CREATE TABLE referrals (
    id @ID@,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    case_id BIGINT REFERENCES cases (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    due_date TEXT NOT NULL,
    message TEXT NOT NULL,
    consent BIGINT NOT NULL DEFAULT 0,
    consent_by TEXT,
    override_reason TEXT,
    override_user_id BIGINT REFERENCES users (id),
    decline_reason TEXT,
    region_code TEXT NOT NULL,
    kab_code TEXT NOT NULL,
    prov_code TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    overdue_notified BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX referrals_agency ON referrals (agency_id, status, due_date);
CREATE INDEX referrals_report ON referrals (report_id);
CREATE INDEX referrals_kab ON referrals (kab_code, status);
CREATE INDEX referrals_due ON referrals (status, due_date);

CREATE TABLE referral_actions (
    id @ID@,
    referral_id BIGINT NOT NULL REFERENCES referrals (id),
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    body TEXT
);
CREATE INDEX referral_actions_referral ON referral_actions (referral_id, at);

-- Notifications to deliver. In-app rows are read from here; the coordination module's worker
-- delivers the other channels.
CREATE TABLE outbox (
    id @ID@,
    recipient_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    link TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    read_at BIGINT
);
CREATE INDEX outbox_recipient ON outbox (recipient_id, channel, read_at, id);
CREATE INDEX outbox_pending ON outbox (status, channel, id);
