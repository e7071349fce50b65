--[[
  load-customer-7.lua's read and the request id's entry in one command: what
  a Decide with a request id reads first, on one Redis (on a cluster the
  request id lives in its own slot and is read beside the customer).

  KEYS[1..7] as load-customer-7.lua   KEYS[8] request id <p>:{r:<request>}

  Returns load-customer-7.lua's reply with an 8th element: {} or {value}.
]]
local out = readCustomer(KEYS)
local request = redis.call('GET', KEYS[8])
out[8] = request and { request } or {}
return out
