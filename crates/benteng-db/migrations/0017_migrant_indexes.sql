-- Indexes for the register at the size of a province (measured with 200,000 residents, see
-- docs/performance.md). Lists show the latest changes first, read in that order from an index
-- on the scope's column and the change time (an office's area: one ordered range per regency,
-- merged); admins' lists walk the change time alone. The figures are counted at most once a
-- minute per scope (cached), from these same indexes: an index made for them tempted the
-- planners away from the ordered ranges for filtered lists.
DROP INDEX migrants_village;
DROP INDEX migrants_kab;
DROP INDEX migrants_prov;
-- The name is in these indexes so that a name search checks it without reading the rows
-- (an office's search for "siti": 10 ms, then 0.6 ms).
CREATE INDEX migrants_village_updated ON migrants (village_code, updated_at, id, name_search);
CREATE INDEX migrants_kab_updated ON migrants (kab_code, updated_at, id, name_search);
CREATE INDEX migrants_prov_updated ON migrants (prov_code, updated_at, id, name_search);
CREATE INDEX migrants_updated ON migrants (updated_at, id);
-- Filters of an office's or a province's list: a status, and the residents who left without the procedure (a
-- small share, in a partial index), each in change order per regency, for the page and for
-- its bounded count.
CREATE INDEX migrants_kab_status ON migrants (kab_code, status, updated_at, id);
CREATE INDEX migrants_kab_flagged ON migrants (kab_code, updated_at, id) WHERE nonprocedural = 1;
CREATE INDEX migrants_prov_status ON migrants (prov_code, status, updated_at, id);
CREATE INDEX migrants_prov_flagged ON migrants (prov_code, updated_at, id) WHERE nonprocedural = 1;
