-- The kabupaten/kota of each person's report, copied onto the person (a report's place never
-- changes), so that an officer's linked reports are found in these indexes alone: before,
-- every candidate report was read to check the officer's area, the largest cost of a report's
-- page at 1,000,000 reports (docs/performance.md, "SQLite's global locks, and fewer statements per page").
ALTER TABLE report_people ADD COLUMN kab_code TEXT;
UPDATE report_people SET kab_code = (SELECT r.kab_code FROM reports r WHERE r.id = report_people.report_id);
CREATE INDEX report_people_phone_kab ON report_people (phone, kab_code, report_id);
CREATE INDEX report_people_name_kab ON report_people (name_key, kab_code, report_id);
-- The (key, report_id) indexes of 0011 would still be chosen for their order, and then every
-- candidate person read for its kab_code; the new ones serve every lookup by phone or name.
DROP INDEX report_people_phone_report;
DROP INDEX report_people_name_report;
