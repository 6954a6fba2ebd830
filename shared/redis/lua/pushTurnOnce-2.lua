--[[
  Pushes a turn onto a conversation's recent turns unless a turn with its id is among the last few:
  ioredis resends a command whose answer was lost to a dropped connection, and the turn would then
  be in the prompt twice.

  KEYS[1] recent turns (list of turn JSON)
  KEYS[2] turns-complete marker
  ARGV[1] turn JSON
  ARGV[2] turn id
  ARGV[3] turns kept
  ARGV[4] TTL in seconds

  Returns 1 when pushed, 0 when it was already there.
]]
--- @include "includes/pushTurn"

for _, entry in ipairs(redis.call('LRANGE', KEYS[1], -8, -1)) do
  if cjson.decode(entry).id == ARGV[2] then return 0 end
end
pushTurn(KEYS[1], KEYS[2], ARGV[1], ARGV[3], ARGV[4])
return 1
