-- wrk script for compare.sh: prints one machine-readable line at the end:
-- WRKROW <requests/s> <p50 ms> <p90 ms> <p99 ms> <p99.9 ms> <max ms> <errors>
-- Extra headers come from the WRK_HEADERS environment variable ("Name: value|Name: value").
local spec = os.getenv("WRK_HEADERS")
if spec ~= nil and spec ~= "" then
  for pair in string.gmatch(spec, "[^|]+") do
    local name, value = string.match(pair, "^%s*([^:]+):%s*(.*)$")
    if name ~= nil then
      wrk.headers[name] = value
    end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format("WRKROW\t%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000, errors))
end
