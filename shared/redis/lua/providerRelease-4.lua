--[[
  A call is over (its answer ended, or it gave up waiting): it leaves the running and waiting sets.

  KEYS[1] calls running (see providerAcquire-5.lua)
  KEYS[2] calls waiting
  KEYS[3] leases of the waiting calls
  KEYS[4] calls let go whose answer has not come yet
  ARGV[1] call id
]]
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return 0
