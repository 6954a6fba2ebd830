--[[
  Records a chat message the gateway accepts, just before its job is queued (on the same
  connection, so a worker never finds the job first): the reply hash (its owner, conversation and
  status `queued`), the pending turn the history shows until the writer has stored it, and the
  user's turn in the conversation's recent turns (once, should ioredis send the command twice).

  KEYS[1] reply hash
  KEYS[2] pending turns (hash by reply id)
  KEYS[3] recent turns
  KEYS[4] turns-complete marker
  ARGV[1] user id
  ARGV[2] conversation id
  ARGV[3] user message id
  ARGV[4] accepted at (epoch ms)
  ARGV[5] TTL in seconds (reply hash, pending turns, recent turns)
  ARGV[6] reply id
  ARGV[7] pending turn JSON
  ARGV[8] the user's turn JSON
  ARGV[9] turns kept

  Returns 1.
]]
--- @include "includes/pushTurnOnce"

redis.call('HSET', KEYS[1], 'userId', ARGV[1], 'conversationId', ARGV[2], 'userMessageId', ARGV[3],
  'status', 'queued', 'createdAt', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('HSET', KEYS[2], ARGV[6], ARGV[7])
redis.call('EXPIRE', KEYS[2], ARGV[5])
pushTurnOnce(KEYS[3], KEYS[4], ARGV[8], ARGV[3], ARGV[9], ARGV[5])
return 1
