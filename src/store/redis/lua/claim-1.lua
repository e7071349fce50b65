--[[
  Claim decisions whose attribution window has closed: remove their ids from
  the sweep index and return them, so exactly one replica gets each.

  KEYS[1]  sweep index zset  <p>:{x}:expiry (member decision id, score window end)
  ARGV[1]  now, ms since epoch
  ARGV[2]  limit

  Returns the claimed decision ids, oldest window first.
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids > 0 then
  redis.call('ZREM', KEYS[1], unpack(ids))
end
return ids
