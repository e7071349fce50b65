--[[
  load-customer-7.lua's read and the request id's answer in one command:
  what a Decide with a request id reads first. The answer lives in the
  customer's slot, so this is one script on a cluster too.

  KEYS[1..7] as load-customer-7.lua
  KEYS[8]    the request id's answer  <p>:{c:<customer>}:r:<request>
  KEYS[9]    optional, one Redis only: where versions before 2026-12 kept it, <p>:{r:<request>}

  Returns load-customer-7.lua's reply with an 8th element: {} or {value}.
]]
local out = readCustomer(KEYS)
local request = redis.call('GET', KEYS[8])
if not request and KEYS[9] then
  request = redis.call('GET', KEYS[9])
end
out[8] = request and { request } or {}
return out
