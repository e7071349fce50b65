--[[
  ledgerPush(key, entry, cutoff, most, ttl): ledger-push-1.lua's append and
  trim, shared with publish-2.lua (scripts.ts puts this file before each).
]]
local function ledgerPush(key, entry, cutoff, most, ttl)
  cutoff = tonumber(cutoff)
  redis.call('RPUSH', key, entry)
  redis.call('LTRIM', key, -tonumber(most), -1)
  while true do
    local head = redis.call('LINDEX', key, 0)
    if not head then break end
    local at = tonumber(string.match(head, '^(%d+)|'))
    if at == nil or at >= cutoff then break end
    redis.call('LPOP', key)
  end
  redis.call('PEXPIRE', key, ttl)
  return redis.call('LLEN', key)
end
