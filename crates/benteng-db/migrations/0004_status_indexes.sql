-- Counting desa binaan by status inside a scope (the home page) reads only these indexes.
CREATE INDEX desa_binaan_status ON desa_binaan (status);
CREATE INDEX desa_binaan_prov_status ON desa_binaan (prov_code, status);
CREATE INDEX desa_binaan_kab_status ON desa_binaan (kab_code, status);
DROP INDEX desa_binaan_kab;
DROP INDEX desa_binaan_prov;
