--[[
  Apply one customer event to the customer's state, atomically. Mirrors
  MemoryStore's CustomerMemory event rules; the conformance suite holds
  both to them.

  KEYS[1]  profile hash     KEYS[2]  consent hash    KEYS[3]  cart hash
  KEYS[4]  purchases zset   KEYS[5]  tickets string  KEYS[6]  ignored zset
  KEYS[7]  sends zset (only trimmed here)
  ARGV[1]  event type (CustomerEventType)
  ARGV[2]  at, ms since epoch
  ARGV[3]  item id ("" if none)       ARGV[4]  category ("" if none)
  ARGV[5]  message id ("" if none)    ARGV[6]  channel ("" if none)
  ARGV[7]  profile attributes as flat JSON {"n:<name>": number, "c:<name>": string}
  ARGV[8]  retention, ms: purchases, sends and ignored older than (at - retention) are trimmed,
           and every key but consent expires this long after the customer's last event
  ARGV[9]  unique suffix for zset members

  Ignored entries: {"m": messageId, "a": at, "c": channel ("" if unknown), "u"} JSON.

  Cart fields: "i:<itemId>" for an item, "k:<category>" for a category-only
  line; values {"i","c","a"} JSON.

  Returns 1.
]]
local kind, at = ARGV[1], tonumber(ARGV[2])
local item, category, message, channel = ARGV[3], ARGV[4], ARGV[5], ARGV[6]

-- The same cart line: by item id when the event has one, else by category.
local function removeSame()
  if item ~= '' then
    redis.call('HDEL', KEYS[3], 'i:' .. item)
    return
  end
  local lines = redis.call('HGETALL', KEYS[3])
  for i = 1, #lines, 2 do
    if cjson.decode(lines[i + 1]).c == category then
      redis.call('HDEL', KEYS[3], lines[i])
    end
  end
end

local function line()
  return cjson.encode({i = item, c = category, a = at, u = ARGV[9]})
end

if kind == 'cart_add' then
  removeSame()
  local field = item ~= '' and ('i:' .. item) or ('k:' .. category)
  redis.call('HSET', KEYS[3], field, line())
elseif kind == 'cart_remove' then
  removeSame()
elseif kind == 'purchase' then
  redis.call('ZADD', KEYS[4], at, line())
  -- A purchase without an item is a checkout of the whole cart.
  if item ~= '' or category ~= '' then removeSame() else redis.call('DEL', KEYS[3]) end
elseif kind == 'message_ignored' then
  if message ~= '' then
    redis.call('ZADD', KEYS[6], at, cjson.encode({m = message, a = at, c = channel, u = ARGV[9]}))
  end
elseif kind == 'message_opened' or kind == 'message_clicked' then
  -- Engagement ends a streak of ignores.
  if message ~= '' then
    local entries = redis.call('ZRANGE', KEYS[6], 0, -1)
    for _, e in ipairs(entries) do
      if cjson.decode(e).m == message then redis.call('ZREM', KEYS[6], e) end
    end
  end
elseif kind == 'ticket_opened' then
  redis.call('INCR', KEYS[5])
elseif kind == 'ticket_closed' then
  if tonumber(redis.call('GET', KEYS[5]) or '0') > 1 then
    redis.call('DECR', KEYS[5])
  else
    redis.call('DEL', KEYS[5])
  end
elseif kind == 'unsubscribe' then
  if channel ~= '' then
    redis.call('HSET', KEYS[2], 'ch:' .. channel, '0')
  else
    redis.call('HSET', KEYS[2], 'optOut', '1')
  end
elseif kind == 'profile_update' then
  local attrs = cjson.decode(ARGV[7])
  for name, value in pairs(attrs) do
    if string.sub(name, 1, 2) == 'n:' then
      redis.call('HSET', KEYS[1], name, string.format('%.17g', value))
    else
      redis.call('HSET', KEYS[1], name, value)
    end
  end
end
-- message_delivered: Tact records its own sends when it reserves them.

local cutoff = '(' .. (at - tonumber(ARGV[8]))
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', cutoff)
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', cutoff)
redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', cutoff)
-- A customer silent for the retention has nothing a rule still reads: the keys
-- go with it. Consent (KEYS[2]) never expires: an opt-out must outlive any
-- silence, and forget is what removes it.
for _, i in ipairs({1, 3, 4, 5, 6, 7}) do
  redis.call('PEXPIRE', KEYS[i], ARGV[8])
end
return 1
