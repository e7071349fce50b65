--[[
  load-customer-7.lua's read and the request id's entry in one command: what
  a Decide with a request id reads first, on one Redis (on a cluster the
  request id lives in its own slot and is read beside the customer).

  KEYS[1..7] as load-customer-7.lua   KEYS[8] request id <p>:{r:<request>}

  Returns load-customer-7.lua's reply with an 8th element: {} or {value}.
]]
local tickets = redis.call('GET', KEYS[5])
local request = redis.call('GET', KEYS[8])
return {
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[3]),
  redis.call('ZRANGE', KEYS[4], 0, -1),
  tickets and { tickets } or {},
  redis.call('ZRANGE', KEYS[6], 0, -1),
  redis.call('ZRANGE', KEYS[7], 0, -1),
  request and { request } or {},
}
