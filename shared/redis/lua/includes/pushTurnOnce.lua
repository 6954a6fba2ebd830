--[[
  Pushes a turn onto a conversation's recent turns unless a turn with its id is among the last few:
  ioredis resends a command whose answer was lost to a dropped connection, and the turn would then
  be in the prompt twice. Returns 1 when pushed, 0 when it was already there.
]]
--- @include "includes/pushTurn"

local function pushTurnOnce(turnsKey, completeKey, turn, turnId, maxTurns, ttl)
  for _, entry in ipairs(redis.call('LRANGE', turnsKey, -8, -1)) do
    if cjson.decode(entry).id == turnId then return 0 end
  end
  pushTurn(turnsKey, completeKey, turn, maxTurns, ttl)
  return 1
end
