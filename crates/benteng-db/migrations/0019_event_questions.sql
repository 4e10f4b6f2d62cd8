-- Questions asked at awareness events and their answers; an answer can be published to the
-- public FAQ.
CREATE TABLE event_questions (
    id @ID@,
    event_id BIGINT NOT NULL REFERENCES events (id),
    asked_by TEXT,
    village_code TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT,
    -- The agency (speaker's) that answered, as written.
    answered_by TEXT,
    published BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX event_questions_event ON event_questions (event_id, id);
CREATE INDEX event_questions_published ON event_questions (published, published_at);
