--[[
  Ends a reply in one step: the pending turn, the reply's status, the assistant turn in the recent
  turns and the final stream event (published on the live channel) — unless the reply has already
  ended (`endedAt` is set only here). That makes the end happen once when ioredis resends the
  script after a dropped connection, and when a second attempt runs beside the first and finishes
  after it; with an owner token, only while the reply hash still names that owner.

  KEYS[1] reply hash
  KEYS[2] pending turns (hash by reply id)
  KEYS[3] recent turns
  KEYS[4] turns-complete marker
  KEYS[5] the reply's event stream
  ARGV[1] reply id
  ARGV[2] pending turn JSON
  ARGV[3] turns TTL in seconds
  ARGV[4] status
  ARGV[5] ended at (epoch ms)
  ARGV[6] assistant turn JSON ('' for none)
  ARGV[7] turns kept
  ARGV[8] final event type
  ARGV[9] final event data (JSON)
  ARGV[10] stream TTL in seconds
  ARGV[11] owner token ('' for none)
  ARGV[12] the reply's live channel

  Returns 1 when this call ended the reply, 0 otherwise.
]]
--- @include "includes/pushTurn"
--- @include "includes/publishEvent"

if redis.call('HEXISTS', KEYS[1], 'endedAt') == 1 then return 0 end
if ARGV[11] ~= '' and redis.call('HGET', KEYS[1], 'owner') ~= ARGV[11] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
if ARGV[6] ~= '' then pushTurn(KEYS[3], KEYS[4], ARGV[6], ARGV[7], ARGV[3]) end
local id = redis.call('XADD', KEYS[5], '*', 'e', ARGV[8], 'd', ARGV[9])
redis.call('EXPIRE', KEYS[5], ARGV[10])
redis.call('HSET', KEYS[1], 'status', ARGV[4], 'endedAt', ARGV[5], 'finalId', id)
redis.call('EXPIRE', KEYS[1], ARGV[3])
publishEvent(ARGV[12], id, ARGV[8], ARGV[9])
return 1
