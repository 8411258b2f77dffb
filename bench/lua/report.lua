-- Shared by every scenario: rotate through the paths in PATHS_FILE (one per line, optional
-- "METHOD path body" with a Bearer token per line), count statuses, print one JSON line.
local threads = {}
local paths_file = os.getenv("PATHS_FILE")
local auth = os.getenv("AUTH_HEADER")
local cookie = os.getenv("COOKIE_HEADER")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  requests_list = {}
  for line in io.lines(paths_file) do
    local method, path, token, body = line:match("^(%S+)\t(%S+)\t(%S*)\t?(.*)$")
    local headers = {}
    if token ~= nil and token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if auth then headers["Authorization"] = auth end
    if cookie then headers["Cookie"] = cookie end
    if body ~= nil and body ~= "" then headers["Content-Type"] = "application/json" end
    table.insert(requests_list, wrk.format(method, path, headers, body ~= "" and body or nil))
  end
  -- each thread starts at its own share of the list, so no page is asked twice before the list wraps
  counter = (id - 1) * math.floor(#requests_list / tonumber(os.getenv("WRK_THREADS") or "2")) - 1
end

function request()
  counter = counter + 1
  return requests_list[(counter % #requests_list) + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do agg[k] = (agg[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(agg) do table.insert(parts, string.format('"%d":%d', k, v)) end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"socket_errors":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
