--[[
  Take one claimed decision out of the store: read what the window close
  needs and delete the decision, atomically with respect to reward joins on
  the same key (a join either lands before the take or finds nothing).

  KEYS[1]  decision hash  <p>:{d:<decisionId>}

  Returns {} when the decision is gone (forgotten, or TTL passed), else
    {record, rewardedActionId...}
]]
local rec = redis.call('HGET', KEYS[1], 'rec')
if not rec then
  return {}
end
local out = {rec}
local names = redis.call('HKEYS', KEYS[1])
for _, name in ipairs(names) do
  if string.sub(name, 1, 2) == 'r:' then
    out[#out + 1] = string.sub(name, 3)
  end
end
redis.call('DEL', KEYS[1])
return out
