-- PostgreSQL's word table for report searches (docs/performance.md, "Word search on
-- PostgreSQL at 1,000,000 reports"). A word search lists matches newest first, and the GIN
-- index on `search_tsv` cannot give them in that order: the planner either walked the id
-- order testing every report's words (42,000 reports for "sihanoukville" in an officer's
-- area) or took all matches and sorted them. This table holds one row per (word, report),
-- so the matches of one word are read from its primary key already in report id order, and
-- a few words (the forms a beginning stands for) are merged in that order; the search stops
-- at the page, as SQLite's FTS5 table does.
--
-- The table is derived: triggers keep it equal to the words of `search_tsv` (which PostgreSQL
-- computes from `search_text`), so every path that writes a report's searchable text (intake,
-- a new person or note, retention's anonymisation, `benteng copy`) keeps it true without
-- knowing it exists. Words shorter than 3 letters are left out: a search matches them as
-- whole words only, through the GIN index (crates/benteng-db/src/reports/list.rs).
-- `COLLATE "C"`: byte order, so a beginning is a range of the key whatever the database's
-- collation. SQLite needs nothing here.
@PG@ CREATE TABLE report_words (
    word TEXT COLLATE "C" NOT NULL,
    report_id BIGINT NOT NULL
);
@PG@ INSERT INTO report_words (word, report_id)
SELECT w, r.id FROM reports r, unnest(tsvector_to_array(r.search_tsv)) AS w
WHERE char_length(w) >= 3;
@PG@ ALTER TABLE report_words ADD PRIMARY KEY (word, report_id);

-- New reports, as many as one statement inserts (the generator's and the copy's batches):
-- one statement-level pass over the inserted rows.
@PG@ CREATE FUNCTION report_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_words (word, report_id)
    SELECT w, n.id FROM new_reports n, unnest(tsvector_to_array(n.search_tsv)) AS w
    WHERE char_length(w) >= 3;
    RETURN NULL;
END
$$;
@PG@ CREATE TRIGGER report_words_insert AFTER INSERT ON reports
REFERENCING NEW TABLE AS new_reports
FOR EACH STATEMENT EXECUTE FUNCTION report_words_inserted();

-- A changed text: only the words that went or came. Row-level, because PostgreSQL allows
-- transition tables only on triggers without a column list, and a statement trigger on every
-- status change would copy every changed row for nothing.
@PG@ CREATE FUNCTION report_words_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report_words
    WHERE report_id = OLD.id
      AND word = ANY (tsvector_to_array(OLD.search_tsv))
      AND NOT (word = ANY (tsvector_to_array(NEW.search_tsv)));
    INSERT INTO report_words (word, report_id)
    SELECT w, NEW.id FROM unnest(tsvector_to_array(NEW.search_tsv)) AS w
    WHERE char_length(w) >= 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
@PG@ CREATE TRIGGER report_words_update AFTER UPDATE OF search_text ON reports
FOR EACH ROW WHEN (OLD.search_tsv IS DISTINCT FROM NEW.search_tsv)
EXECUTE FUNCTION report_words_changed();

-- Reports are not deleted today; should one be, its words go with it.
@PG@ CREATE FUNCTION report_words_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report_words
    WHERE report_id = OLD.id AND word = ANY (tsvector_to_array(OLD.search_tsv));
    RETURN NULL;
END
$$;
@PG@ CREATE TRIGGER report_words_delete AFTER DELETE ON reports
FOR EACH ROW EXECUTE FUNCTION report_words_deleted();
