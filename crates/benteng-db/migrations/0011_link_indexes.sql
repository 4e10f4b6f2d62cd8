-- Linked reports read the most recent reports per phone and per name key straight from these
-- indexes (docs/performance.md, "Reports at 1,000,000"); they replace the single-column ones.
CREATE INDEX report_people_phone_report ON report_people (phone, report_id);
CREATE INDEX report_people_name_report ON report_people (name_key, report_id);
DROP INDEX report_people_phone;
DROP INDEX report_people_name;
