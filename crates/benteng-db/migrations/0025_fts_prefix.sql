-- SQLite's full-text table again, with prefix indexes for word beginnings of 3 to 16
-- letters. A search word is matched as a beginning ("paspor"* also finds "paspornya"); without
-- a prefix index FTS5 merged the matches of every word with that beginning before returning
-- the first row, 2.4 ms per search for a word in 108,000 of 1,000,000 reports, and the page
-- could not answer more than a few hundred searches a second. With the index the newest
-- matches stream like a whole word's (0.2 ms). It costs disk: about 460 MB more at 1,000,000
-- reports (docs/performance.md, "Prefix indexes for word searches"). Words of one or two
-- letters match whole words only (`PREFIX_FROM` in crates/benteng-db/src/reports/list.rs).
-- PostgreSQL's GIN index reads prefixes from its sorted entries and is unchanged.
@SQLITE@ CREATE VIRTUAL TABLE report_fts_prefix USING fts5 (body, prefix = '3 4 5 6 7 8 9 10 11 12 13 14 15 16', tokenize = 'unicode61 remove_diacritics 2');
@SQLITE@ INSERT INTO report_fts_prefix (rowid, body) SELECT rowid, body FROM report_fts;
@SQLITE@ DROP TABLE report_fts;
@SQLITE@ ALTER TABLE report_fts_prefix RENAME TO report_fts;
