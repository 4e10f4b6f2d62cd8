-- wrk script for report intake with an Idempotency-Key on every request (a new key each
-- time, as a phone's offline queue sends them): post_report.lua's report, plus the cost of
-- checking and remembering the key. The RESULT line is result.lua's.
dofile((os.getenv("BENTENG_WRK_DIR") or "scripts/wrk") .. "/result.lua")

local counter = 0
local prefix = string.format("bench-%d-", os.time())
local headers = {
   ["Content-Type"] = "application/json",
   ["Authorization"] = "Bearer " .. os.getenv("BENTENG_TOKEN"),
}
local body = '{"category":"iklan","description":"Iklan lowongan kerja ke luar negeri tanpa izin resmi di balai desa.","region_code":"35.07.04.2007"}'

function request()
   counter = counter + 1
   headers["Idempotency-Key"] = prefix .. string.format("%012d", counter)
   return wrk.format("POST", "/api/v1/reports", headers, body)
end
