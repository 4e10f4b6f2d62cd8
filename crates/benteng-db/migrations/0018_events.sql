-- Awareness events (sosialisasi): the plan, invited villages, speakers and who attended.
CREATE TABLE events (
    id @ID@,
    office_id BIGINT REFERENCES offices (id),
    -- Where it happens (a desa or kabupaten/kota code), with the scope columns.
    region_code TEXT NOT NULL REFERENCES regions (code),
    kab_code TEXT,
    prov_code TEXT NOT NULL,
    title TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    -- WIB, WITA or WIT: how the time is shown.
    zone TEXT NOT NULL,
    venue TEXT NOT NULL,
    agenda TEXT,
    -- The short code participants type to check in; unique across events.
    checkin_code TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX events_checkin_code ON events (checkin_code);
CREATE INDEX events_kab ON events (kab_code, starts_at);
CREATE INDEX events_prov ON events (prov_code, starts_at);
CREATE INDEX events_starts ON events (starts_at);

CREATE TABLE event_villages (
    event_id BIGINT NOT NULL REFERENCES events (id),
    village_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (event_id, village_code)
);

CREATE TABLE event_speakers (
    id @ID@,
    event_id BIGINT NOT NULL REFERENCES events (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    agency TEXT,
    topic TEXT
);
CREATE INDEX event_speakers_event ON event_speakers (event_id, position);

CREATE TABLE event_attendees (
    id @ID@,
    event_id BIGINT NOT NULL REFERENCES events (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    -- Empty when the participant comes from outside the invited villages.
    village_code TEXT NOT NULL DEFAULT '',
    sex TEXT,
    role TEXT NOT NULL,
    -- 'kode' (checked in themselves) or 'petugas' (ticked by an officer).
    via TEXT NOT NULL,
    checked_in_at BIGINT NOT NULL
);
-- A second check-in of the same person is harmless: it finds this row.
CREATE UNIQUE INDEX event_attendees_person ON event_attendees (event_id, name_key, village_code);
