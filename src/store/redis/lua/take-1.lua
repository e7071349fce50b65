--[[
  Take one claimed decision out of the store: read what the window close
  needs and delete the decision, atomically with respect to reward joins on
  the same key (a join either lands before the take or finds nothing).

  KEYS[1]  decision hash  <p>:{d:<decisionId>}

  Returns {} when the decision is gone (forgotten, or TTL passed), else
    {record, field, value, field, value, ...}
  with the fields "r:<actionId>" (combined reward, "%.17g") and
  "o:<actionId>" (engaged with, see engage-1.lua).
]]
local rec = redis.call('HGET', KEYS[1], 'rec')
if not rec then
  return {}
end
local out = {rec}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local prefix = string.sub(all[i], 1, 2)
  if prefix == 'r:' or prefix == 'o:' then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
redis.call('DEL', KEYS[1])
return out
