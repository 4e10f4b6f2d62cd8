-- Coordination: rooms for every desa binaan, office and province, their members and messages,
-- alerts (waspada) by area, notification preferences, daily digests, and the WhatsApp inbox.

-- A room: 'desa' (one per desa binaan), 'kantor' (one per office) or 'provinsi' (one per
-- province with a Kanwil or an office). `region_code` is the village or province code, the
-- place the policy checks; office rooms have none and are checked by office.
CREATE TABLE rooms (
    id @ID@,
    kind TEXT NOT NULL,
    -- desa_binaan id, office id or province code, for the unique rule below.
    ref_key TEXT NOT NULL,
    desa_binaan_id BIGINT REFERENCES desa_binaan (id),
    office_id BIGINT REFERENCES offices (id),
    region_code TEXT,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX rooms_ref ON rooms (kind, ref_key);
CREATE INDEX rooms_region ON rooms (region_code);

-- Membership. A removed member keeps the row with `removed_at` set, so the automatic
-- membership rules never add them back, and they can no longer read the room.
CREATE TABLE room_members (
    room_id BIGINT NOT NULL REFERENCES rooms (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    added_by BIGINT REFERENCES users (id),
    added_at BIGINT NOT NULL,
    removed_at BIGINT,
    removed_by BIGINT REFERENCES users (id),
    PRIMARY KEY (room_id, user_id)
);
CREATE INDEX room_members_user ON room_members (user_id, removed_at);

CREATE TABLE alerts (
    id @ID@,
    author_id BIGINT NOT NULL REFERENCES users (id),
    -- waspada, siaga or awas.
    severity TEXT NOT NULL,
    -- The area: a province, kabupaten/kota, kecamatan or desa code.
    area_code TEXT NOT NULL REFERENCES regions (code),
    prov_code TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    rooms_reached BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX alerts_prov ON alerts (prov_code, created_at);
CREATE INDEX alerts_area ON alerts (area_code, created_at);

CREATE TABLE room_messages (
    id @ID@,
    room_id BIGINT NOT NULL REFERENCES rooms (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    -- The message a reply answers (threads are one level deep).
    parent_id BIGINT REFERENCES room_messages (id),
    -- 'pesan' (message), 'pengumuman' (announcement, read receipts shown) or 'waspada' (alert).
    kind TEXT NOT NULL,
    alert_id BIGINT REFERENCES alerts (id),
    body TEXT NOT NULL,
    -- Lower-cased body for the room's search.
    search_text TEXT NOT NULL,
    -- The report made from this message, if any.
    report_id BIGINT REFERENCES reports (id),
    replies BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX room_messages_room ON room_messages (room_id, parent_id, id);
CREATE INDEX room_messages_parent ON room_messages (parent_id, id);

CREATE TABLE room_message_files (
    id @ID@,
    message_id BIGINT NOT NULL REFERENCES room_messages (id),
    storage_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX room_message_files_message ON room_message_files (message_id);

CREATE TABLE room_mentions (
    message_id BIGINT NOT NULL REFERENCES room_messages (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (message_id, user_id)
);

-- Who has seen a message (read receipts).
CREATE TABLE room_reads (
    message_id BIGINT NOT NULL REFERENCES room_messages (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    read_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

-- What each user wants to hear about and where. No row for a (kind, channel): the default
-- (in-app on, other channels off).
CREATE TABLE notification_prefs (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);

-- A phone for WhatsApp and SMS notifications (E.164, +62…); e-mail already has a column.
ALTER TABLE users ADD COLUMN phone TEXT;

-- One digest per user and day, whichever worker makes it.
CREATE TABLE digests (
    user_id BIGINT NOT NULL REFERENCES users (id),
    day TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- Delivery rows that are not about a user's own address: replies to residents on WhatsApp
-- carry the address and text themselves; digests carry their text. `provider_ref` is the
-- provider's id (wamid…) and `provider_status` the last status it reported.
ALTER TABLE outbox ADD COLUMN address TEXT;
ALTER TABLE outbox ADD COLUMN body TEXT;
ALTER TABLE outbox ADD COLUMN provider_ref TEXT;
ALTER TABLE outbox ADD COLUMN provider_status TEXT;
CREATE INDEX outbox_provider_ref ON outbox (provider_ref);

-- WhatsApp: residents who wrote to an office's number, and every message in and out.
CREATE TABLE wa_contacts (
    id @ID@,
    office_id BIGINT NOT NULL REFERENCES offices (id),
    phone TEXT NOT NULL,
    profile_name TEXT,
    last_inbound_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wa_contacts_phone ON wa_contacts (office_id, phone);
CREATE INDEX wa_contacts_recent ON wa_contacts (office_id, last_inbound_at);

CREATE TABLE wa_messages (
    id @ID@,
    contact_id BIGINT NOT NULL REFERENCES wa_contacts (id),
    -- 'in' or 'out'.
    direction TEXT NOT NULL,
    -- The provider's message id; inbound ones are unique (webhook retries are ignored).
    wamid TEXT,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id),
    outbox_id BIGINT REFERENCES outbox (id),
    report_id BIGINT REFERENCES reports (id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wa_messages_wamid ON wa_messages (wamid);
CREATE INDEX wa_messages_contact ON wa_messages (contact_id, id);

-- Where a report came from, for the link back: a room message or a WhatsApp message.
ALTER TABLE reports ADD COLUMN origin_kind TEXT;
ALTER TABLE reports ADD COLUMN origin_id BIGINT;
