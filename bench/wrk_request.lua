-- wrk script shared by every scenario of bench/run.py.
--
-- The request comes from the environment, so one script serves them all:
--   BENCH_METHOD        GET (default) or POST
--   BENCH_BODY          request body (POST)
--   BENCH_CONTENT_TYPE  its Content-Type
--   BENCH_TOKEN         access token, sent as "Authorization: Bearer ..."
--   BENCH_REFRESH_FILE  refresh scenario: a file with one refresh token per
--                       line, one per connection. Each response's new refresh
--                       token replaces the one just spent, so every request
--                       sends a token that has never been used (the API
--                       rotates refresh tokens and refuses a reused one).
-- done() prints one line "BENCH_RESULT {json}" that run.py parses; in the
-- refresh scenario it counts 2xx answers without a new refresh token.

local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local content_type = os.getenv("BENCH_CONTENT_TYPE")
local token = os.getenv("BENCH_TOKEN")
local refresh_file = os.getenv("BENCH_REFRESH_FILE")

wrk.method = method
if body and body ~= "" then wrk.body = body end
if content_type and content_type ~= "" then
  wrk.headers["Content-Type"] = content_type
end
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

if refresh_file and refresh_file ~= "" then
  -- Runs in the main Lua state: hand each thread its share of the tokens.
  local all, threads = {}, {}
  for line in io.lines(refresh_file) do
    if line ~= "" then all[#all + 1] = line end
  end
  function setup(thread)
    threads[#threads + 1] = thread
    thread:set("thread_index", #threads)
  end
  local n_threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local pool, verify_pending = {}, false
  function init(args)
    -- wrk calls request() once on the first thread before the run, only to
    -- check the request: that call must not spend a token.
    verify_pending = thread_index == 1
    -- Token i goes to thread ((i - 1) % n_threads) + 1.
    for i, t in ipairs(all) do
      if ((i - 1) % n_threads) + 1 == thread_index then pool[#pool + 1] = t end
    end
  end
  function request()
    if verify_pending then
      verify_pending = false
      return wrk.format("POST", nil, nil, '{"refresh":"verify"}')
    end
    -- Empty only if a refresh failed (counted as non-2xx): send a dud.
    local t = table.remove(pool) or "exhausted"
    return wrk.format("POST", nil, nil, '{"refresh":"' .. t .. '"}')
  end
  missing = 0  -- 200s without a new refresh token: counted as failures
  function response(status, headers, resp_body)
    local t = resp_body and resp_body:match('"refresh"%s*:%s*"([^"]+)"')
    if t then
      pool[#pool + 1] = t
    elseif status < 400 then
      missing = missing + 1
    end
  end
  function count_missing()
    local n = 0
    for _, thread in ipairs(threads) do n = n + (thread:get("missing") or 0) end
    return n
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, ' ..
    '"p90_us": %d, "p99_us": %d, "max_us": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d, "refresh_missing": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    count_missing and count_missing() or 0))
end
