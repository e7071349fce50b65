--[[
  Join one reward to a held decision, atomically (idempotent per event id,
  combined by the rule fixed at decision time).

  KEYS[1]  decision hash  <p>:{d:<decisionId>}
  ARGV[1]  action id; "" means the decision's first choice
  ARGV[2]  reward value (decimal string)
  ARGV[3]  event id; "" means none (no idempotency check)
  ARGV[4]  now, ms since epoch
  ARGV[5]  "1" when this replays a join whose reply was lost (Redis went away
           mid-call): a duplicate of the event is then that earlier join, and
           is reported as it was joined so the caller can still publish it

  Returns an array whose first element is the status:
    {"unknown"}                       no such decision (never saved, taken, or forgotten)
    {"expired"}                       now >= window end
    {"unknown_action", record}        the action is not a choice of the decision
    {"duplicate"}                     this event id was joined before (ARGV[5] ~= "1")
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
-- An event's outcome is kept ("<action>\31<previous>\31<total>", or "ignored")
-- so a replay after a lost reply can learn what the first call did.
local eventField = 'e:' .. ARGV[3]
if ARGV[3] ~= '' then
  local seen = redis.call('HGET', key, eventField)
  if seen then
    if ARGV[5] == '1' and seen ~= 'ignored' then
      local a, p, t = string.match(seen, '^(.-)\31(.-)\31(.*)$')
      return {'joined', fields[4], a, p, t}
    end
    return {'duplicate'}
  end
end
local previous = redis.call('HGET', key, 'r:' .. action)
if previous and fields[3] == 'first' then
  if ARGV[3] ~= '' then redis.call('HSET', key, eventField, 'ignored') end
  return {'ignored', fields[4]}
end
local total = (tonumber(previous) or 0) + tonumber(ARGV[2])
local totalText = string.format('%.17g', total)
redis.call('HSET', key, 'r:' .. action, totalText)
if ARGV[3] ~= '' then
  redis.call('HSET', key, eventField, action .. '\31' .. (previous or '') .. '\31' .. totalText)
end
return {'joined', fields[4], action, previous or '', totalText}
