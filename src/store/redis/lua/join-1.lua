--[[
  Join one reward to a held decision, atomically (idempotent per event id,
  combined by the rule fixed at decision time).

  KEYS[1]  decision hash  <p>:{d:<decisionId>}
  ARGV[1]  action id; "" means the decision's first choice
  ARGV[2]  reward value (decimal string)
  ARGV[3]  event id; "" means none (no idempotency check)
  ARGV[4]  now, ms since epoch

  Returns an array whose first element is the status:
    {"unknown"}                       no such decision (never saved, taken, or forgotten)
    {"expired"}                       now >= window end
    {"unknown_action", record}        the action is not a choice of the decision
    {"duplicate"}                     this event id was joined before
    {"ignored", record}               combine = "first" and the action already has a reward
    {"joined", record, actionId, previousTotal or "", total}
  record is the decision record JSON; totals are "%.17g" strings.
]]
local key = KEYS[1]
local fields = redis.call('HMGET', key, 'exp', 'first', 'comb', 'rec')
if not fields[1] then
  return {'unknown'}
end
if tonumber(ARGV[4]) >= tonumber(fields[1]) then
  return {'expired'}
end
local action = ARGV[1]
if action == '' then
  action = fields[2]
end
if redis.call('HEXISTS', key, 'a:' .. action) == 0 then
  return {'unknown_action', fields[4]}
end
if ARGV[3] ~= '' then
  if redis.call('HSETNX', key, 'e:' .. ARGV[3], '1') == 0 then
    return {'duplicate'}
  end
end
local previous = redis.call('HGET', key, 'r:' .. action)
if previous and fields[3] == 'first' then
  return {'ignored', fields[4]}
end
local total = (tonumber(previous) or 0) + tonumber(ARGV[2])
local totalText = string.format('%.17g', total)
redis.call('HSET', key, 'r:' .. action, totalText)
return {'joined', fields[4], action, previous or '', totalText}
