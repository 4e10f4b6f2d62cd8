-- Lists inside a scope are ordered by (kabupaten or province, code): the same order as by
-- code alone, but one that these indexes serve directly (PostgreSQL otherwise walked the whole
-- code index looking for a scope's first rows).
CREATE INDEX desa_binaan_kab_region ON desa_binaan (kab_code, region_code);
CREATE INDEX desa_binaan_prov_region ON desa_binaan (prov_code, region_code);
