--[[
  Store a learner snapshot if it includes more of the stream than the stored
  one, and trim the stream up to the snapshot it replaces: a replica that
  loads either snapshot still finds every later update in the stream.

  KEYS[1]  snapshot hash  <p>:{u}:snapshot  (fields: id, body, and prevId, prevBody: the one replaced)
  KEYS[2]  update stream  <p>:{u}:updates
  ARGV[1]  stream id the snapshot includes ("<ms>-<seq>")
  ARGV[2]  snapshot body (JSON)

  Returns 1 when stored, 0 when the stored snapshot is as new or newer.
]]
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local stored = redis.call('HGET', KEYS[1], 'id')
if stored then
  local sm, ss = parse(stored)
  local nm, ns = parse(ARGV[1])
  if nm < sm or (nm == sm and ns <= ss) then
    return 0
  end
end
-- The replaced snapshot is kept as the spare generation: a replica that finds
-- the newest unusable falls back to it and replays the stream after its id.
if stored then
  redis.call('HSET', KEYS[1], 'prevId', stored, 'prevBody', redis.call('HGET', KEYS[1], 'body'))
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'body', ARGV[2])
if stored and stored ~= '0-0' then
  redis.call('XTRIM', KEYS[2], 'MINID', stored)
end
return 1
