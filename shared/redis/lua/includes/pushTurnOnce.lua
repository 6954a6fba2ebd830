--[[
  Pushes a turn onto a conversation's recent turns unless a turn with its id is among the last few:
  ioredis resends a command whose answer was lost to a dropped connection, and the turn would then
  be in the prompt twice. Returns 1 when pushed, 0 when it was already there. The id is found as
  text rather than by decoding each turn: cjson refuses the escaped lone surrogates JSON.stringify
  writes for text that is not well-formed UTF-16, and a quote inside a turn's text is escaped, so
  `"id":"<id>"` only matches the turn's own id.
]]
--- @include "includes/pushTurn"

local function pushTurnOnce(turnsKey, completeKey, turn, turnId, maxTurns, ttl)
  local needle = '"id":"' .. turnId .. '"'
  for _, entry in ipairs(redis.call('LRANGE', turnsKey, -8, -1)) do
    if string.find(entry, needle, 1, true) then return 0 end
  end
  pushTurn(turnsKey, completeKey, turn, maxTurns, ttl)
  return 1
end
