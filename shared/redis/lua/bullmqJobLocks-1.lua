--[[
  The lock token of every active job of a BullMQ queue that has one (`<worker.id>:<n>`), for
  counting the jobs each worker holds.

  KEYS[1] the queue's active list
  ARGV[1] job key prefix `<prefix>:<queue>:`

  Returns the tokens, one per locked active job.
]]
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local owners = {}
for _, id in ipairs(ids) do
  local token = redis.call('GET', ARGV[1] .. id .. ':lock')
  if token then owners[#owners + 1] = token end
end
return owners
