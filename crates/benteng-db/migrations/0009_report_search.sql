-- Full-text search of reports on PostgreSQL (docs/performance.md, "Reports at 1,000,000").
-- The GIN index on the expression `to_tsvector('simple', search_text)` made every recheck of a
-- lossy bitmap recompute the vector (6.9 s for a word in 107,947 reports); a stored, generated
-- column with its own index is read instead. SQLite keeps its FTS5 table.
@PG@ DROP INDEX IF EXISTS reports_fts;
@PG@ ALTER TABLE reports ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', COALESCE(search_text, ''))) STORED;
@PG@ CREATE INDEX reports_search_tsv ON reports USING GIN (search_tsv);
