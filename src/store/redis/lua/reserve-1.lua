--[[
  Check every cap of every send and record the sends only if all pass, so
  concurrent decisions on any replica never exceed a cap.

  KEYS[1]  sends zset  <p>:{c:<customer>}:sends
           member "<channel>\31<messageId>\31<at>\31<unique>", score at
  ARGV[1]  JSON array of reservations:
           [{"c": channel, "m": messageId, "a": at, "u": unique,
             "caps": [{"k": "channel:<id>"|"message:<id>", "max": n, "w": windowMs}]}]
  ARGV[2]  retention, ms: sends older than (latest at - retention) are trimmed;
           beyond that at most the 256 latest sends are kept (as the memory
           store's MAX_HISTORY: no cap needs more, and a very busy customer's
           reads stay bounded); the key expires this long after the last send

  A send counts against a cap when it matches the cap key and lies within
  windowMs of the new send on either side (sends may be scheduled ahead).
  Sends earlier in the same batch count too.

  Returns the 0-based index of the first send that would break a cap, or -1
  when all were recorded.
]]
local key = KEYS[1]
local batch = cjson.decode(ARGV[1])
local retention = tonumber(ARGV[2])

local function matches(capKey, channel, messageId)
  if capKey == 'channel:' .. channel then return true end
  if capKey == 'message:' .. messageId then return true end
  return false
end

local function split(member)
  local parts = {}
  for part in string.gmatch(member, '([^\31]*)\31?') do
    parts[#parts + 1] = part
  end
  return parts[1], parts[2]
end

local latest = nil
for i, r in ipairs(batch) do
  for _, cap in ipairs(r.caps) do
    local count = 0
    local existing = redis.call('ZRANGEBYSCORE', key, '(' .. (r.a - cap.w), '(' .. (r.a + cap.w))
    for _, member in ipairs(existing) do
      local channel, messageId = split(member)
      if matches(cap.k, channel, messageId) then count = count + 1 end
    end
    for j = 1, i - 1 do
      local o = batch[j]
      if math.abs(o.a - r.a) < cap.w and matches(cap.k, o.c, o.m) then count = count + 1 end
    end
    if count + 1 > cap.max then
      return i - 1
    end
  end
  if latest == nil or r.a > latest then latest = r.a end
end
for _, r in ipairs(batch) do
  redis.call('ZADD', key, r.a, r.c .. '\31' .. r.m .. '\31' .. string.format('%d', r.a) .. '\31' .. r.u)
end
if latest ~= nil then
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (latest - retention))
  redis.call('ZREMRANGEBYRANK', key, 0, -257)
  -- Sends older than the retention count against no cap.
  redis.call('PEXPIRE', key, retention)
end
return -1
