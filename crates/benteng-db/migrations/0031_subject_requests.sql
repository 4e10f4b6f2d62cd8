-- Data-subject requests (UU 27/2022; crates/benteng-domain/src/subject.rs, docs/privacy.md):
-- a person asks what is held about them, a correction or an erasure. The request belongs to
-- the office that received it (NULL: recorded by an administrator); the identifiers it was
-- searched by are kept with it so the search can be repeated, and are personal data too
-- (shown only to the office's officers, never logged).
CREATE TABLE subject_requests (
    id @ID@,
    office_id BIGINT REFERENCES offices (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    requester_name TEXT NOT NULL,
    -- How to answer: a phone, an e-mail or a postal address, as the person gave it.
    requester_contact TEXT,
    -- Searched by (at least one): NIK (16 digits), phone (+62…), name.
    nik TEXT,
    phone TEXT,
    name TEXT,
    -- What the person asks, in their words (what is wrong, what to erase).
    detail TEXT,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    outcome TEXT,
    created_by BIGINT REFERENCES users (id),
    closed_by BIGINT REFERENCES users (id),
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX subject_requests_office ON subject_requests (office_id, status, due_on);

-- What was done for a request, one row per step (found, exported, corrected, erased,
-- closed): the request's own history, shown on its page. Field names only, never values.
CREATE TABLE subject_request_events (
    id @ID@,
    request_id BIGINT NOT NULL REFERENCES subject_requests (id),
    action TEXT NOT NULL,
    detail TEXT,
    user_id BIGINT REFERENCES users (id),
    at BIGINT NOT NULL
);
CREATE INDEX subject_request_events_request ON subject_request_events (request_id);

-- Finding a person by NIK or phone reads these instead of every row (1,000,000 reports hold
-- about 1,850,000 people).
CREATE INDEX report_people_nik ON report_people (nik);
CREATE INDEX reports_reporter_phone ON reports (reporter_phone);
CREATE INDEX case_people_nik ON case_people (nik);
CREATE INDEX screenings_nik ON screenings (nik);
