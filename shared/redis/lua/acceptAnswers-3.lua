--[[
  Records survey answers the gateway accepts, before they are queued for the database: the next
  revision of the user's answers, as the revision of each question answered, and a record of stored
  revisions (if the user has none yet) that the writer fills in as it commits (markAnswersStored).

  A revision is clock-based, so it stays above any stored one even if Redis forgets the counter;
  the counter orders requests within the same millisecond.

  KEYS[1] the user's revision counter
  KEYS[2] latest accepted revision per question (hash)
  KEYS[3] stored revision per question (hash)
  ARGV[1] now, epoch ms
  ARGV[2] TTL in seconds
  ARGV[3..] the question ids answered

  Returns the revision.
]]
local revision = tonumber(ARGV[1]) * 1000 + (redis.call('INCR', KEYS[1]) % 1000)
for i = 3, #ARGV do
  redis.call('HSET', KEYS[2], ARGV[i], revision)
end
redis.call('HSETNX', KEYS[3], '_', 0)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
return revision
