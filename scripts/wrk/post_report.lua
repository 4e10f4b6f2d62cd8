-- wrk script for report intake: POST /api/v1/reports with an officer's API token (from
-- BENTENG_TOKEN), the same small report every time (a static request: no Lua per request).
-- Each request is one report committed durably before its 201. The RESULT line at the end is
-- result.lua's (beside this file; wrk runs from the repository's root in ratio_bench.sh, or
-- set BENTENG_WRK_DIR).
dofile((os.getenv("BENTENG_WRK_DIR") or "scripts/wrk") .. "/result.lua")

wrk.method = "POST"
wrk.path = "/api/v1/reports"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENTENG_TOKEN")
wrk.body = '{"category":"iklan","description":"Iklan lowongan kerja ke luar negeri tanpa izin resmi di balai desa.","region_code":"35.07.04.2007"}'
