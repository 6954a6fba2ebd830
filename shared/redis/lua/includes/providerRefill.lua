--[[
  The shared provider budget brought to `now`: each known budget refills continuously at its limit
  per minute, never past the limit (as OpenAI's do), less what calls on their way will take. Those
  calls were counted when they were let go, but the provider counts them when they arrive: until
  then its budget may sit full and refill nothing, so the fleet's count must not refill past
  `limit - calls not yet answered` either.

  budget: the provider budget hash's key; now: Redis time in ms; pending: the zset of calls let go
  whose answer has not come yet (by lease end).
  Returns { rpm, tpm, req, tok } (limits nil when unknown), after writing the levels back.
]]
local function providerRefill(budget, now, pending)
  local b = redis.call('HMGET', budget, 'rpm', 'tpm', 'req', 'tok', 'at', 'tokensPerCall')
  local rpm, tpm = tonumber(b[1]), tonumber(b[2])
  local req, tok, at = tonumber(b[3]) or rpm, tonumber(b[4]) or tpm, tonumber(b[5]) or now
  local elapsed = math.max(0, now - at)
  redis.call('ZREMRANGEBYSCORE', pending, '-inf', now)
  local onTheirWay = redis.call('ZCARD', pending)
  -- Refilled up to the limit less the calls on their way; never taken below where it was.
  if rpm then req = math.min(rpm, math.max(req, math.min(req + elapsed * rpm / 60000, rpm - onTheirWay))) end
  if tpm then
    local ahead = onTheirWay * (tonumber(b[6]) or 0)
    tok = math.min(tpm, math.max(tok, math.min(tok + elapsed * tpm / 60000, tpm - ahead)))
  end
  if rpm or tpm then
    redis.call('HSET', budget, 'req', tostring(req or 0), 'tok', tostring(tok or 0), 'at', now)
  end
  return { rpm = rpm, tpm = tpm, req = req, tok = tok }
end

local function providerNow()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
