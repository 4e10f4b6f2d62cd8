-- Sosialisasi, second part: the pre/post quiz, registration ahead, follow-up actions, speakers'
-- materials and photos.

-- A participant's own link to the quiz (`/hadir/{code}/kuis/{token}`), made at check-in.
ALTER TABLE event_attendees ADD COLUMN token TEXT;
CREATE UNIQUE INDEX event_attendees_token ON event_attendees (token);
-- Which test is open: 'pre', 'post' or 'closed'.
ALTER TABLE events ADD COLUMN quiz_stage TEXT NOT NULL DEFAULT 'pre';

-- The question bank admins and the Kanwil edit (seeded by the data step).
CREATE TABLE quiz_questions (
    id @ID@,
    topic TEXT NOT NULL,
    question TEXT NOT NULL,
    -- One option per line.
    options TEXT NOT NULL,
    -- 0-based index of the right option.
    correct BIGINT NOT NULL,
    source TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

-- An event's test: the bank's active questions copied when the test is first opened, so later
-- edits of the bank never change a past event.
CREATE TABLE event_quiz_items (
    event_id BIGINT NOT NULL REFERENCES events (id),
    position BIGINT NOT NULL,
    question_id BIGINT,
    topic TEXT NOT NULL,
    question TEXT NOT NULL,
    options TEXT NOT NULL,
    correct BIGINT NOT NULL,
    PRIMARY KEY (event_id, position)
);

-- One test taken by one participant; the unique index makes the second try store nothing.
CREATE TABLE quiz_attempts (
    id @ID@,
    event_id BIGINT NOT NULL REFERENCES events (id),
    attendee_id BIGINT NOT NULL REFERENCES event_attendees (id),
    kind TEXT NOT NULL,
    village_code TEXT NOT NULL DEFAULT '',
    score BIGINT NOT NULL,
    total BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX quiz_attempts_once ON quiz_attempts (event_id, attendee_id, kind);

CREATE TABLE quiz_answers (
    attempt_id BIGINT NOT NULL REFERENCES quiz_attempts (id),
    position BIGINT NOT NULL,
    choice BIGINT NOT NULL,
    is_right BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

-- Participants who registered before the day (attendance counts check-ins only).
CREATE TABLE event_registrations (
    id @ID@,
    event_id BIGINT NOT NULL REFERENCES events (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    village_code TEXT NOT NULL DEFAULT '',
    sex TEXT,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX event_registrations_person ON event_registrations (event_id, name_key, village_code);

-- Follow-up actions agreed at the event.
CREATE TABLE event_followups (
    id @ID@,
    event_id BIGINT NOT NULL REFERENCES events (id),
    action TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_date TEXT NOT NULL,
    done_at BIGINT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX event_followups_event ON event_followups (event_id, due_date);

-- Speakers' materials (downloadable by participants) and photos (officers and the report).
CREATE TABLE event_files (
    id @ID@,
    event_id BIGINT NOT NULL REFERENCES events (id),
    -- 'materi' or 'foto'.
    kind TEXT NOT NULL,
    caption TEXT,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX event_files_event ON event_files (event_id, kind, id);
