--[[
  The shared provider budget brought to `now`: each known budget refills continuously at its limit
  per minute, never past the limit (as OpenAI's do).

  budget: the provider budget hash's key; now: Redis time in ms.
  Returns { rpm, tpm, req, tok } (limits nil when unknown), after writing the levels back.
]]
local function providerRefill(budget, now)
  local b = redis.call('HMGET', budget, 'rpm', 'tpm', 'req', 'tok', 'at')
  local rpm, tpm = tonumber(b[1]), tonumber(b[2])
  local req, tok, at = tonumber(b[3]) or rpm, tonumber(b[4]) or tpm, tonumber(b[5]) or now
  local elapsed = math.max(0, now - at)
  if rpm then req = math.min(rpm, req + elapsed * rpm / 60000) end
  if tpm then tok = math.min(tpm, tok + elapsed * tpm / 60000) end
  if rpm or tpm then
    redis.call('HSET', budget, 'req', tostring(req or 0), 'tok', tostring(tok or 0), 'at', now)
  end
  return { rpm = rpm, tpm = tpm, req = req, tok = tok }
end

local function providerNow()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
