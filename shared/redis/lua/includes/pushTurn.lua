--[[
  Appends a turn to a conversation's recent turns: bounded to the last `maxTurns`, and both the list
  and its turns-complete marker live `ttl` seconds past the last turn.
]]
local function pushTurn(turnsKey, completeKey, turn, maxTurns, ttl)
  redis.call('RPUSH', turnsKey, turn)
  redis.call('LTRIM', turnsKey, -tonumber(maxTurns), -1)
  redis.call('EXPIRE', turnsKey, ttl)
  redis.call('EXPIRE', completeKey, ttl)
end
