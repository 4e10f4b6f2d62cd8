-- Report lists at a million reports (docs/performance.md, "Reports at 1,000,000").
-- The partial indexes only serve queries whose WHERE clause carries the same
-- `status IN ('baru', 'ditinjau', 'ditangani')` term as `list_reports` does for `terbuka`.

-- A province's open reports (the kanwil's queue, by priority, and its count): read in order
-- from a small index instead of every open report of the country being read from the table to
-- check its province and then sorted (SQLite 332 ms, PostgreSQL 265 ms for the count alone).
CREATE INDEX reports_prov_open ON reports (prov_code, priority, created_at, id) WHERE status IN ('baru', 'ditinjau', 'ditangani');

-- An officer's queue on PostgreSQL: an index-only scan (reports_kab lacks the id, so every open
-- report of the area was fetched from the heap: 24 ms, now 7 ms). SQLite's reports_kab
-- already carries the rowid.
@PG@ CREATE INDEX reports_kab_open ON reports (kab_code, priority, created_at, id) WHERE status IN ('baru', 'ditinjau', 'ditangani');

-- All reports of an officer's area, newest first, on SQLite: one ordered range per
-- kabupaten/kota instead of sorting every report of the area (20 ms, now 1 ms). PostgreSQL
-- reads reports_created backwards for this.
@SQLITE@ CREATE INDEX reports_kab_created ON reports (kab_code, created_at);
