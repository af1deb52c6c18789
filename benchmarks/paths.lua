-- wrk script for `make bench` (benchmarks/driver.py): each request takes the next path from a file.
--   wrk ... -s benchmarks/paths.lua http://127.0.0.1:PORT -- PATHS_FILE THREADS
-- PATHS_FILE holds one path a line; thread i of n takes lines i, i + n, i + 2n... and starts over at
-- the end (the driver reports it when that happened). Responses outside 200-299 are counted, and
-- done() prints one line of JSON the driver reads.

wrk.headers["X-Forwarded-Proto"] = "https"  -- as the TLS-terminating load balancer sends it

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[2])
  next_index = id
  not_2xx = 0
end

function request()
  local path = paths[(next_index % #paths) + 1]
  next_index = next_index + step
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local not_2xx_total = 0
  for _, thread in ipairs(threads) do
    not_2xx_total = not_2xx_total + thread:get("not_2xx")
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "not_2xx": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
    not_2xx_total, errors.connect, errors.read, errors.write, errors.timeout))
end
