--[[
  Appends one event to a reply stream, once, and publishes it on the reply's live channel.

  Once: when the connection drops after Redis applied an append but before its answer came back,
  ioredis sends the command again on reconnect; an entry carrying this append's key among the
  stream's last few means it is already there. Nothing is appended once the reply has ended, and
  with an owner token only while the reply hash still names that owner (an older attempt of the
  job must stop writing).

  KEYS[1] the reply's event stream
  KEYS[2] the reply hash (owner, endedAt)
  ARGV[1] append key, unique to this append
  ARGV[2] event type
  ARGV[3] event data (JSON)
  ARGV[4] owner token ('' for none)
  ARGV[5] the reply's live channel

  Returns the entry id, or false when the reply has ended or another attempt owns it.
]]
--- @include "includes/publishEvent"

if ARGV[4] ~= '' then
  local reply = redis.call('HMGET', KEYS[2], 'owner', 'endedAt')
  if reply[1] ~= ARGV[4] or reply[2] then return false end
end
for _, entry in ipairs(redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 8)) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'k' and fields[i + 1] == ARGV[1] then return entry[1] end
  end
end
local id = redis.call('XADD', KEYS[1], '*', 'e', ARGV[2], 'd', ARGV[3], 'k', ARGV[1])
publishEvent(ARGV[5], id, ARGV[2], ARGV[3])
return id
