-- The monthly report (issue 18): after a month ends the worker makes one per office with a
-- working area and one per province with a Kanwil, keeps its PDF here, lists it at
-- /laporan-bulanan and announces it in the office's or the province's room. The unique index
-- makes each report once, however many workers run; a claim left 'proses' by a worker that
-- died is taken over after 15 minutes.
CREATE TABLE monthly_reports (
    id @ID@,
    -- 'kantor' (an office's working area) or 'provinsi' (a Kanwil's province)
    kind TEXT NOT NULL,
    -- the office id or the province code
    ref_key TEXT NOT NULL,
    office_id BIGINT REFERENCES offices (id),
    province_code TEXT NOT NULL,
    -- 'YYYY-MM'
    month TEXT NOT NULL,
    -- 'proses' while a worker makes it, 'siap' once the PDF is stored
    status TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    pdf @BLOB@,
    bytes BIGINT,
    made_at BIGINT,
    room_message_id BIGINT REFERENCES room_messages (id)
);
CREATE UNIQUE INDEX monthly_reports_once ON monthly_reports (kind, ref_key, month);
CREATE INDEX monthly_reports_list ON monthly_reports (province_code, month);

-- The author of messages the system posts itself (the monthly report's announcement). It
-- cannot sign in: it is inactive, has no usable password (not an Argon2 hash) and no office.
INSERT INTO users (username, full_name, password_hash, role, active, created_at, updated_at)
VALUES ('benteng.sistem', 'Benteng (otomatis)', '!', 'petugas', 0, 0, 0);
