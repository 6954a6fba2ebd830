--[[
  A BullMQ queue's backlog in one atomic read (shared/scaling/backlog.bullmq.ts explains the keys):
  the length of each list and zset, the waiting-since time of the oldest job at the heads looked
  at, the server clock, and how many jobs finished after a given time.

  KEYS[1] wait  KEYS[2] paused  KEYS[3] active  KEYS[4] prioritized  KEYS[5] delayed
  KEYS[6] completed  KEYS[7] failed
  ARGV[1] job key prefix `<prefix>:<queue>:`
  ARGV[2] count jobs finished after this epoch ms (a ZCOUNT bound: `+inf` counts none)

  Returns { wait, paused, active, prioritized, delayed, oldest waiting-since ms or -1, now ms,
  finished since }, or an error starting AIRA_BACKLOG_WRONGTYPE when a key is not what BullMQ
  keeps there.
]]
local expected = { 'list', 'list', 'list', 'zset', 'zset', 'zset', 'zset' }
for i = 1, 7 do
  local t = redis.call('TYPE', KEYS[i])['ok']
  if t ~= 'none' and t ~= expected[i] then
    return redis.error_reply('AIRA_BACKLOG_WRONGTYPE ' .. KEYS[i] .. ' is a ' .. t .. ', BullMQ keeps a ' .. expected[i] .. ' there')
  end
end

local oldest = -1
local function consider(id)
  if not id or string.sub(id, 1, 2) == '0:' then return end
  local f = redis.call('HMGET', ARGV[1] .. id, 'timestamp', 'processedOn')
  local since = tonumber(f[1])
  local retried = tonumber(f[2])
  if retried and (not since or retried > since) then since = retried end
  if since and (oldest < 0 or since < oldest) then oldest = since end
end

consider(redis.call('LINDEX', KEYS[1], -1))
consider(redis.call('LINDEX', KEYS[1], 0))
consider(redis.call('LINDEX', KEYS[2], -1))
consider(redis.call('LINDEX', KEYS[2], 0))
consider(redis.call('ZRANGE', KEYS[4], 0, 0)[1])

local now = redis.call('TIME')
return {
  redis.call('LLEN', KEYS[1]),
  redis.call('LLEN', KEYS[2]),
  redis.call('LLEN', KEYS[3]),
  redis.call('ZCARD', KEYS[4]),
  redis.call('ZCARD', KEYS[5]),
  oldest,
  tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000),
  redis.call('ZCOUNT', KEYS[6], '(' .. ARGV[2], '+inf') + redis.call('ZCOUNT', KEYS[7], '(' .. ARGV[2], '+inf'),
}
