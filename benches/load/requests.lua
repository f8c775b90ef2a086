-- wrk script of benches/load.sh: cycles through the requests of a request file
-- (one a line: METHOD <tab> PATH [<tab> BODY]), each thread from its own offset, and prints
-- one machine-readable RESULT line at the end.
--
--   wrk -t2 -c32 -d10s -s benches/load/requests.lua http://127.0.0.1:18180 -- FILE

local threads = {}

function setup(thread)
  thread:set("thread_no", #threads)
  table.insert(threads, thread)
end

local requests = {}
local next_request = 1

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open " .. tostring(args[1]))
  for line in file:lines() do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    assert(method, "bad request line: " .. line)
    local headers = {}
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  file:close()
  assert(#requests > 0, "no requests in " .. args[1])
  -- Threads start apart, so that they do not send the same request at the same time.
  next_request = ((thread_no or 0) * 7919) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors_connect=%d errors_read=%d " ..
      "errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
