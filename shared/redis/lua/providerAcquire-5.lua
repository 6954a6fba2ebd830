--[[
  Takes one call's share of the LLM provider's budget, which every chat worker shares, or says how
  long to wait for it. Calls wait their turn in arrival order: the n-th waiter goes once n + 1
  requests (and their tokens) are there. While the fleet is paused (a 429) nobody goes. While no
  answer has told the budget yet, one call goes, and its answer tells it; should no answer come in
  ARGV[7] ms (its worker died, or the provider is slow to answer), the next call goes too.

  KEYS[1] the budget hash (rpm, tpm: limits; req, tok: levels at `at`; pausedUntil; unlimited;
          probeUntil: until when the call finding the limits out holds the others back)
  KEYS[2] calls running: zset of call id by lease end
  KEYS[3] calls waiting: zset of call id by when it began to wait (its turn)
  KEYS[4] leases of the waiting calls: zset of call id by lease end (a dead worker's waiter lapses)
  KEYS[5] calls let go whose answer has not come yet: zset of call id by lease end
  ARGV[1] call id
  ARGV[2] tokens the call may spend (prompt + most it may write)
  ARGV[3] lease of a running call, ms (longer than the longest call)
  ARGV[4] lease of a waiting call, ms (renewed by every try)
  ARGV[5] ms to wait while another call finds out the budget
  ARGV[6] ms the budget hash lives after its last use
  ARGV[7] ms the call finding the limits out holds the others back at most

  Returns { 1, 0 } when the call may go, { 0, ms to wait } when not.
]]
--- @include "includes/providerRefill"
local budget, calls, waiting, leases, pending = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, tokens = ARGV[1], tonumber(ARGV[2])
local now = providerNow()

redis.call('ZREMRANGEBYSCORE', calls, '-inf', now)
local lapsed = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
if #lapsed > 0 then
  redis.call('ZREM', leases, unpack(lapsed))
  redis.call('ZREM', waiting, unpack(lapsed))
end

-- A waiter keeps its place in line; a new one joins at the end.
redis.call('ZADD', waiting, 'NX', now, id)
redis.call('ZADD', leases, now + tonumber(ARGV[4]), id)
redis.call('PEXPIRE', waiting, ARGV[6])
redis.call('PEXPIRE', leases, ARGV[6])
local ahead = redis.call('ZRANK', waiting, id)

local wait = 0
local paused = tonumber(redis.call('HGET', budget, 'pausedUntil'))
local b = providerRefill(budget, now, pending)
if paused and paused > now then
  wait = paused - now
elseif not b.rpm and not b.tpm then
  if redis.call('HGET', budget, 'unlimited') ~= '1' then
    local probing = tonumber(redis.call('HGET', budget, 'probeUntil'))
    if ahead > 0 or (probing and probing > now) then
      wait = tonumber(ARGV[5])
    else
      redis.call('HSET', budget, 'probeUntil', now + tonumber(ARGV[7]))
      redis.call('PEXPIRE', budget, ARGV[6])
    end
  end
else
  if b.rpm then
    local need = ahead + 1
    if b.req < need then wait = math.max(wait, (need - b.req) * 60000 / b.rpm) end
  end
  if b.tpm then
    local need = math.min(b.tpm, (ahead + 1) * tokens)
    if b.tok < need then wait = math.max(wait, (need - b.tok) * 60000 / b.tpm) end
  end
end
if wait > 0 then return { 0, math.ceil(wait) } end

if b.rpm then redis.call('HSET', budget, 'req', tostring(b.req - 1)) end
if b.tpm then redis.call('HSET', budget, 'tok', tostring(b.tok - math.min(b.tpm, tokens))) end
-- Tokens per call, smoothed: what the autoscaler counts a job as against the tokens budget.
local per = tonumber(redis.call('HGET', budget, 'tokensPerCall'))
redis.call('HSET', budget, 'tokensPerCall', tostring(per and (per * 0.9 + tokens * 0.1) or tokens))
redis.call('PEXPIRE', budget, ARGV[6])
redis.call('ZREM', waiting, id)
redis.call('ZREM', leases, id)
redis.call('ZADD', calls, now + tonumber(ARGV[3]), id)
redis.call('PEXPIRE', calls, ARGV[6])
-- An answer that never comes (its worker died) stops holding the budget back after 30 s.
redis.call('ZADD', pending, now + math.min(tonumber(ARGV[3]), 30000), id)
redis.call('PEXPIRE', pending, ARGV[6])
return { 1, 0 }
