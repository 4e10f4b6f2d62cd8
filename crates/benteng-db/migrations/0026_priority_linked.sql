-- The part of a report's priority that comes from other reports sharing a phone or a name
-- (score with links minus score without). A village's users see the priority without it:
-- the linked reports behind it may lie in other villages, and a count they cannot open would
-- tell them that reports elsewhere carry a number or a name (issue 22, finding 1).
-- Since this migration links are counted inside the report's own kabupaten/kota only, the
-- area of the office that triages it; officers see those reports on the report's page.
ALTER TABLE reports ADD COLUMN priority_linked INTEGER NOT NULL DEFAULT 0;
-- Earlier reports: the weight of their `linked:N` reason (always the last one written). Where
-- the score was capped at 100 this takes a little more than the exact part, never less.
@SQLITE@ UPDATE reports SET priority_linked = MIN(priority, CAST(substr(priority_reasons, instr(priority_reasons, 'linked:') + 7) AS INTEGER)) WHERE instr(priority_reasons, 'linked:') > 0;
@PG@ UPDATE reports SET priority_linked = LEAST(priority, CAST(split_part(priority_reasons, 'linked:', 2) AS INTEGER)) WHERE strpos(priority_reasons, 'linked:') > 0;
-- The word index no longer holds people's addresses (masked for the Kanwil and villages, whom
-- a prefix search let spell them out). Entries of reports with an address are written anew
-- from the fields `index_report` in crates/benteng-db/src/reports/create.rs now uses.
@SQLITE@ DELETE FROM report_fts WHERE rowid IN (SELECT report_id FROM report_people WHERE village IS NOT NULL AND village <> '');
@SQLITE@ INSERT INTO report_fts (rowid, body) SELECT r.id, r.tracking_code || ' ' || r.description || ' ' || COALESCE(r.places, '') || COALESCE((SELECT ' ' || group_concat(COALESCE(p.name, ''), ' ') FROM report_people p WHERE p.report_id = r.id), '') || COALESCE((SELECT ' ' || group_concat(COALESCE(e.body, ''), ' ') FROM report_events e WHERE e.report_id = r.id AND e.kind = 'info'), '') FROM reports r WHERE r.id IN (SELECT report_id FROM report_people WHERE village IS NOT NULL AND village <> '');
@PG@ UPDATE reports r SET search_text = r.tracking_code || ' ' || r.description || ' ' || COALESCE(r.places, '') || COALESCE((SELECT ' ' || string_agg(COALESCE(p.name, ''), ' ') FROM report_people p WHERE p.report_id = r.id), '') || COALESCE((SELECT ' ' || string_agg(COALESCE(e.body, ''), ' ') FROM report_events e WHERE e.report_id = r.id AND e.kind = 'info'), '') WHERE r.id IN (SELECT report_id FROM report_people WHERE village IS NOT NULL AND village <> '');
