-- PostgreSQL: an officer's list of all reports, newest first, is read one kabupaten/kota at a
-- time and merged (docs/performance.md, "SQLite's global locks, and fewer statements per page"); each
-- part walks this index backwards. SQLite has had it since 0008.
@PG@ CREATE INDEX IF NOT EXISTS reports_kab_created ON reports (kab_code, created_at);
