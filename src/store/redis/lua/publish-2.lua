--[[
  Publish one learning update on one Redis: its stream entry and its
  customer's ledger entry in one command (on a cluster they live in two
  slots and are two calls, the stream first; see redis-store.ts).

  KEYS[1]  the update stream  <p>:{u}:updates
  KEYS[2]  the customer's ledger list  <p>:{c:<customer>}:ledger
  ARGV[1]  the update JSON (stream field "u")
  ARGV[2]  the publish id (stream field "i")
  ARGV[3]  the ledger entry, "" for none (an unlearn is not kept)
  ARGV[4..6] cutoff, most entries kept, TTL: as ledger-push-1.lua's ARGV[2..4]

  Returns the stream entry's id.
]]
local id = redis.call('XADD', KEYS[1], '*', 'u', ARGV[1], 'i', ARGV[2])
if ARGV[3] ~= '' then
  ledgerPush(KEYS[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
end
return id
