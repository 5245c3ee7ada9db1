-- wrk script: each connection writes needs and care into the ledgers listed in
-- the file named by the first argument ("token ledger_id" per line), round robin.
local targets = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local token, ledger = line:match("(%S+)%s+(%S+)")
    table.insert(targets, {token = token, ledger = ledger})
  end
  counter = math.random(#targets)
end

function request()
  counter = counter + 1
  local target = targets[(counter % #targets) + 1]
  local headers = {["Authorization"] = "Bearer " .. target.token,
                   ["Content-Type"] = "application/json"}
  if counter % 2 == 0 then
    return wrk.format("POST", "/api/v1/ledgers/" .. target.ledger .. "/needs", headers,
      '{"need": "a quiet evening together", "intensity": 3, "support_type": "emotional"}')
  end
  return wrk.format("POST", "/api/v1/ledgers/" .. target.ledger .. "/care", headers,
    '{"description": "made tea and listened", "support_type": "emotional"}')
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
