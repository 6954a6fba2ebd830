--[[
  The shared provider budget as the autoscaler and the ops views read it, brought to now.

  KEYS[1] the budget hash (see providerAcquire-5.lua)
  KEYS[2] calls running
  KEYS[3] calls waiting
  KEYS[4] leases of the waiting calls
  KEYS[5] calls let go whose answer has not come yet

  Returns { rpm or '', tpm or '', requests left, tokens left, pausedUntil or 0, unlimited (0/1),
  tokens per call or '', calls running, calls waiting, now } (numbers as strings).
]]
--- @include "includes/providerRefill"
local now = providerNow()
local b = providerRefill(KEYS[1], now, KEYS[5])
local running = redis.call('ZCOUNT', KEYS[2], now, '+inf')
local waiting = redis.call('ZCOUNT', KEYS[4], now, '+inf')
local h = redis.call('HMGET', KEYS[1], 'pausedUntil', 'unlimited', 'tokensPerCall')
return {
  b.rpm and tostring(b.rpm) or '', b.tpm and tostring(b.tpm) or '',
  tostring(b.req or ''), tostring(b.tok or ''),
  h[1] or '0', h[2] == '1' and '1' or '0', h[3] or '',
  tostring(running), tostring(waiting), tostring(now),
}
