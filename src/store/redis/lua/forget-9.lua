--[[
  Erase every key of one customer and return what the caller still has to
  act on: the ledger of learning updates to unlearn, and the ids of the
  customer's decisions (they live in their own slots; the caller deletes them).

  KEYS[1..9]  the customer's keys, in RedisKeys.customerKeys order:
              profile, consent, cart, purchases, tickets, sends, ignored,
              decisions (zset of decision ids), ledger (list of update JSON)

  Returns {ledgerEntries, decisionIds}, both arrays (oldest first).
]]
local decisions = redis.call('ZRANGE', KEYS[8], 0, -1)
local ledger = redis.call('LRANGE', KEYS[9], 0, -1)
redis.call('DEL', unpack(KEYS))
return {ledger, decisions}
