--[[
  What one answer of the provider said about the budget every chat worker shares. Its remaining
  counts are the provider's own, so the shared levels never stay above them (they may be lower:
  calls taken since were not yet counted there). A 429 pauses every worker until `pause` has passed.

  KEYS[1] the budget hash (see providerAcquire-5.lua)
  KEYS[2] calls let go whose answer has not come yet
  ARGV[1] x-ratelimit-limit-requests, or '' when not sent
  ARGV[2] x-ratelimit-remaining-requests
  ARGV[3] x-ratelimit-limit-tokens, or ''
  ARGV[4] x-ratelimit-remaining-tokens
  ARGV[5] ms to pause every worker (0: no 429)
  ARGV[6] ms the budget hash lives after its last use
  ARGV[7] id of the call this answered: the provider has counted it

  Returns the pause's end (ms, Redis time), 0 when none.
]]
--- @include "includes/providerRefill"
local budget = KEYS[1]
local now = providerNow()
redis.call('ZREM', KEYS[2], ARGV[7])
local b = providerRefill(budget, now, KEYS[2])
local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[3])
if rpm then
  local left = tonumber(ARGV[2])
  redis.call('HSET', budget, 'rpm', rpm, 'req', tostring(b.rpm and math.min(b.req, left) or left), 'at', now)
end
if tpm then
  local left = tonumber(ARGV[4])
  redis.call('HSET', budget, 'tpm', tpm, 'tok', tostring(b.tpm and math.min(b.tok, left) or left), 'at', now)
end
if rpm or tpm then
  redis.call('HDEL', budget, 'unlimited')
elseif tonumber(ARGV[5]) == 0 and not b.rpm and not b.tpm then
  -- An answer without limits: this provider states none, so calls need not wait for one.
  redis.call('HSET', budget, 'unlimited', '1')
end
local paused = 0
if tonumber(ARGV[5]) > 0 then
  paused = math.max(tonumber(redis.call('HGET', budget, 'pausedUntil')) or 0, now + tonumber(ARGV[5]))
  redis.call('HSET', budget, 'pausedUntil', paused)
  if b.rpm and not rpm then redis.call('HSET', budget, 'req', '0', 'at', now) end
end
redis.call('PEXPIRE', budget, ARGV[6])
return paused
