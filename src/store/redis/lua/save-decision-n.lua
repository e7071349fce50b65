--[[
  Save one decision, in one command per slot: its hash, its customer's
  index entry, its sweep-index entry and its request id. On one Redis every
  part goes in one call (slots do not matter there); on a cluster each part
  lives in its own slot, so the caller sends one call per part. Same keys
  and fields as the plain commands this replaces (HSET + PEXPIRE, ZADD +
  ZREMRANGEBYSCORE + PEXPIRE NX/GT, ZADD, SET PX), so either version reads
  what the other wrote.

  ARGV[1]  parts, one letter per key, in KEYS order:
             s  sends zset     <p>:{c:<customer>}:sends (reserve the sends' caps first, as reserve-1.lua)
             d  decision hash  <p>:{d:<decisionId>}
             i  customer index <p>:{c:<customer>}:decisions
             x  sweep shard    <p>:{x:<n>}:expiry
             r  request id     <p>:{c:<customer>}:r:<request> (the customer's slot)
  ARGV[2]  decision id
  ARGV[3]  window end, ms since epoch (index scores, "exp" field)
  ARGV[4]  TTL, ms (decision, request id; the index lives as long as its longest decision)
  ARGV[5]  index cutoff: ids scored below it have surely expired and are dropped
  ARGV[6]  record JSON ("rec")          (d)
  ARGV[7]  first choice's action id     (d)
  ARGV[8]  combine rule                 (d)
  ARGV[9]  decision JSON, "" for none   (d: "dec"; r: the request id's value)
  ARGV[10] request id, "" for none      (d: "req")
  ARGV[11] reservations JSON, as reserve-1.lua's ARGV[1] (s)
  ARGV[12] retention, ms, as reserve-1.lua's ARGV[2]   (s)
  ARGV[13..] the choices' action ids    (d: "a:<id>" fields)

  The decision is saved whatever the reservation's outcome (the engine
  saves each attempt; a refused one is saved over by the next, under the
  same id). Returns the reservation's result as reserve-1.lua's (-1 when
  every send was recorded or there was no "s" part, else the index of the
  first send that would break a cap).
]]
local parts = ARGV[1]
local id = ARGV[2]
local exp = ARGV[3]
local keep = ARGV[4]
local reserved = -1
for p = 1, #parts do
  local part = string.sub(parts, p, p)
  local key = KEYS[p]
  if part == 's' then
    reserved = reserve(key, ARGV[11], ARGV[12])
  elseif part == 'd' then
    local fields = { 'rec', ARGV[6], 'exp', exp, 'first', ARGV[7], 'comb', ARGV[8] }
    if ARGV[9] ~= '' then
      fields[#fields + 1] = 'dec'
      fields[#fields + 1] = ARGV[9]
    end
    if ARGV[10] ~= '' then
      fields[#fields + 1] = 'req'
      fields[#fields + 1] = ARGV[10]
    end
    for a = 13, #ARGV do
      fields[#fields + 1] = 'a:' .. ARGV[a]
      fields[#fields + 1] = '1'
    end
    redis.call('HSET', key, unpack(fields))
    redis.call('PEXPIRE', key, keep)
  elseif part == 'i' then
    redis.call('ZADD', key, exp, id)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[5])
    -- NX sets a first TTL, GT only lengthens it: never outlives its decisions nor drops one early.
    redis.call('PEXPIRE', key, keep, 'NX')
    redis.call('PEXPIRE', key, keep, 'GT')
  elseif part == 'x' then
    redis.call('ZADD', key, exp, id)
  elseif part == 'r' then
    redis.call('SET', key, ARGV[9], 'PX', keep)
  else
    return redis.error_reply('save-decision: unknown part ' .. part)
  end
end
return reserved
