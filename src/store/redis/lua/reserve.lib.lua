--[[
  reserve(key, batchJson, retention): the cap check and record of reserve-1.lua,
  shared with save-decision-n.lua (scripts.ts puts this file before each).
  Returns -1 when every send was recorded, else the 0-based index of the
  first send that would break a cap (nothing recorded).
]]

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

local function reserve(key, batchJson, retention)
  local batch = cjson.decode(batchJson)
  retention = tonumber(retention)
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
end
