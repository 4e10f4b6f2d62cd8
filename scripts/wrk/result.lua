-- wrk script for plain GETs: no per-request Lua, only one machine-readable line at the end,
-- in the format of ../shared/web-limit's scripts, so both are read by the same parser.
-- Errors are counted, never dropped: non2xx (any status that is not 2xx or 3xx) and socket
-- errors (connect, read, write, timeout).
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f bytes=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout))
end
