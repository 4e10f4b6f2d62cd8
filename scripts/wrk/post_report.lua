-- wrk script for report intake: POST /api/v1/reports with an officer's API token (from
-- BENTENG_TOKEN), the same small report every time (a static request: no Lua per request).
-- Each request is one report committed durably before its 201.
wrk.method = "POST"
wrk.path = "/api/v1/reports"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENTENG_TOKEN")
wrk.body = '{"category":"iklan","description":"Iklan lowongan kerja ke luar negeri tanpa izin resmi di balai desa.","region_code":"35.07.04.2007"}'

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f bytes=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout))
end
