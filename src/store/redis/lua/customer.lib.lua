--[[
  Everything a decision reads about one customer, shared by load-customer-7.lua
  and load-decide-n.lua.

  keys[1] profile hash   keys[2] consent hash   keys[3] cart hash
  keys[4] purchases zset keys[5] tickets string keys[6] sends zset
  keys[7] ignored zset   (one customer: one slot)

  Returns {profile, consent, cart, purchases, tickets, sends, ignored}: hashes
  as flat field/value arrays, zsets as member arrays, tickets as {} or {value}
  (a nil would end the array early).
]]
local function readCustomer(keys)
  local tickets = redis.call('GET', keys[5])
  return {
    redis.call('HGETALL', keys[1]),
    redis.call('HGETALL', keys[2]),
    redis.call('HGETALL', keys[3]),
    redis.call('ZRANGE', keys[4], 0, -1),
    tickets and { tickets } or {},
    redis.call('ZRANGE', keys[6], 0, -1),
    redis.call('ZRANGE', keys[7], 0, -1),
  }
end
