-- Request shapes for bench/catalog.py, and a machine-readable summary.
--
--   wrk ... URL -- fixed                     every request is URL's path (the default request)
--   wrk ... URL -- ids FILE PREFIX THREADS START
--                                      PREFIX .. one id of FILE per request, in turn from
--                                      line START (0-based), threads spread over the file;
--                                      once a thread has been through its share of it, it adds
--                                      "?_bench=ROUND" (a parameter no route reads), so that
--                                      an id asked for again is still not a cached one
--   wrk ... URL -- fresh NONCE               URL's path .. "&_bench=NONCE-THREAD-N", N counting
--   wrk ... URL -- pair SONG REMOVE_AT ADD_AT
--                                      URL is a playlist's (/playlists/ID): POST
--                                      URL/remove-song {"song_id": SONG, "position": REMOVE_AT},
--                                      then URL/add-song {"song_id": SONG, "position": ADD_AT}
--                                      (ADD_AT "end": no position, an append), and again, the
--                                      next request chosen by the last answer. Give each thread
--                                      one connection (--threads = --connections), so that every
--                                      connection alternates on its own; needs BENCH_STATUSES=1.
--                                      A failed answer (not 2xx) repeats the same request.
--   wrk ... URL -- alternate PATH_A BODY_A PATH_B BODY_B
--                                      POST URL/PATH_A with BODY_A, then URL/PATH_B with BODY_B,
--                                      and again, chosen by the last answer as in "pair".
--
-- With BENCH_TOKEN set in the environment, every request carries "Authorization: Bearer
-- $BENCH_TOKEN" (from the environment, so that the token is not on wrk's command line).
--
-- With BENCH_STATUSES=1, each thread counts the answers by status code (wrk then parses every
-- answer's headers and body, which costs wrk some time: only for the changes, whose answers
-- matter).
--
-- `done` prints one line, "BENCH_JSON {...}", with counts and latencies in microseconds, and the
-- counts by status when they were kept.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end

if os.getenv("BENCH_STATUSES") == "1" then
  statuses = {}
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
    if answered ~= nil then
      answered(status)
    end
  end
end

function init(args)
  local token = os.getenv("BENCH_TOKEN")
  if token ~= nil and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
  local mode = args[1] or "fixed"
  if mode == "ids" then
    local ids = {}
    for line in io.lines(args[2]) do
      if line ~= "" then
        ids[#ids + 1] = line
      end
    end
    local prefix = args[3]
    -- Threads start evenly spread over the list, so that they do not ask for the same ids.
    local share = math.max(math.floor(#ids / tonumber(args[4])), 1)
    local n = tonumber(args[5]) + share * tid - 1
    local first = n + 1
    request = function()
      n = n + 1
      local path = prefix .. ids[(n % #ids) + 1]
      local round = math.floor((n - first) / share)
      if round > 0 then
        path = path .. "?_bench=" .. round
      end
      return wrk.format("GET", path)
    end
  elseif mode == "fresh" then
    local base = wrk.path .. "&_bench=" .. args[2] .. "-" .. tid .. "-"
    local n = 0
    request = function()
      n = n + 1
      return wrk.format("GET", base .. n)
    end
  elseif mode == "pair" or mode == "alternate" then
    if response == nil then
      error("modes pair and alternate need BENCH_STATUSES=1: they alternate on the answers")
    end
    wrk.headers["Content-Type"] = "application/json"
    -- Formatted once: wrk.format with no headers of its own takes wrk.headers (Host,
    -- Authorization, Content-Type) and sets their Content-Length for each body.
    local remove, add
    if mode == "pair" then
      local song, remove_at, add_at = args[2], tonumber(args[3]), args[4]
      remove = wrk.format(
        "POST", wrk.path .. "/remove-song", nil,
        string.format('{"song_id":"%s","position":%d}', song, remove_at)
      )
      local add_body = string.format('{"song_id":"%s"}', song)
      if add_at ~= "end" then
        add_body = string.format('{"song_id":"%s","position":%d}', song, tonumber(add_at))
      end
      add = wrk.format("POST", wrk.path .. "/add-song", nil, add_body)
    else
      remove = wrk.format("POST", wrk.path .. args[2], nil, args[3])
      add = wrk.format("POST", wrk.path .. args[4], nil, args[5])
    end
    -- The next request changes only when an answer comes: wrk calls request() once more on
    -- the first thread, to check what it returns, before anything is sent.
    local removing = true
    answered = function(status)
      if status >= 200 and status < 300 then
        removing = not removing
      end
    end
    request = function()
      if removing then
        return remove
      end
      return add
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    parts[#parts + 1] = string.format("\"%d\": %d", status, count)
  end
  io.write(string.format(
    "BENCH_JSON {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, "
      .. "\"connect_errors\": %d, \"read_errors\": %d, \"write_errors\": %d, "
      .. "\"status_errors\": %d, \"timeouts\": %d, "
      .. "\"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d, \"mean_us\": %.1f, "
      .. "\"statuses\": {%s}}\n",
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, table.concat(parts, ", ")
  ))
end
