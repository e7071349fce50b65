--[[
  Everything a decision reads about one customer, in one command (it was a
  7-command pipeline: each command costs the replica more than Redis).

  KEYS[1] profile hash   KEYS[2] consent hash   KEYS[3] cart hash
  KEYS[4] purchases zset KEYS[5] tickets string KEYS[6] sends zset
  KEYS[7] ignored zset   (one customer: one slot)

  Returns {profile, consent, cart, purchases, tickets, sends, ignored}: hashes
  as flat field/value arrays, zsets as member arrays, tickets as {} or {value}
  (a nil would end the array early).
]]
local tickets = redis.call('GET', KEYS[5])
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[3]),
  redis.call('ZRANGE', KEYS[4], 0, -1),
  tickets and { tickets } or {},
  redis.call('ZRANGE', KEYS[6], 0, -1),
  redis.call('ZRANGE', KEYS[7], 0, -1),
}
