-- Retention (issue 22, docs/privacy.md): when a record's personal fields were emptied by the
-- retention job (`benteng retention`, crates/benteng-db/src/retention.rs). NULL: not
-- anonymised. The job looks for records past their period with this still NULL, so a run is
-- never repeated on the same record and a page can say the record was anonymised.
ALTER TABLE reports ADD COLUMN anonymised_at BIGINT;
ALTER TABLE cases ADD COLUMN anonymised_at BIGINT;
ALTER TABLE migrants ADD COLUMN anonymised_at BIGINT;
ALTER TABLE screenings ADD COLUMN anonymised_at BIGINT;
-- Room messages are deleted by age, whole threads at a time.
CREATE INDEX room_messages_created ON room_messages (created_at);
