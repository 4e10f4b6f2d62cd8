-- Indexes for the register at the size of a province (measured with 200,000 residents, see
-- docs/performance.md). Lists show the latest changes first: a village walks its own rows in
-- that order; wider scopes (a regency or more) walk all rows in that order and keep those in
-- scope, which finds a page quickly because an office's area holds a large share of the
-- register. Figures per village and status are read from an index alone.
DROP INDEX migrants_village;
DROP INDEX migrants_kab;
DROP INDEX migrants_prov;
CREATE INDEX migrants_village_updated ON migrants (village_code, updated_at, id);
CREATE INDEX migrants_updated ON migrants (updated_at, id);
CREATE INDEX migrants_kab_figures ON migrants (kab_code, village_code, status, nonprocedural);
CREATE INDEX migrants_prov_figures ON migrants (prov_code, village_code, status, nonprocedural);
