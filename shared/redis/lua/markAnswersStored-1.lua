--[[
  Records, once the writer has committed a user's answers, the revision stored for each question:
  the gateway then tells a result still being saved from a complete one without asking the
  database. A field only ever rises, so a late, older write cannot make stored answers look pending.

  KEYS[1] the user's stored revisions for a survey version (hash: question id → revision)
  ARGV[1] TTL in seconds
  ARGV[2..] question id, revision, question id, revision, …

  Returns 1.
]]
for i = 2, #ARGV, 2 do
  local stored = tonumber(redis.call('HGET', KEYS[1], ARGV[i]))
  if not stored or stored < tonumber(ARGV[i + 1]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
