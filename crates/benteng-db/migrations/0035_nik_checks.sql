-- Dukcapil's answer to a flagged NIK in the calon PMI register (issue 19): `sesuai` (the NIK
-- is right as it stands) or `dikoreksi` (Dukcapil gave the right NIK, written into `nik`),
-- with who answered and when. A NIK changed later by the village is flagged and asked again.
ALTER TABLE migrants ADD COLUMN nik_check TEXT;
ALTER TABLE migrants ADD COLUMN nik_checked_by BIGINT;
ALTER TABLE migrants ADD COLUMN nik_checked_at BIGINT;
