--[[
  Note that a held decision's action was engaged with (an opened or clicked
  receipt), once. The window's close (take) reports it.

  KEYS[1]  decision hash  <p>:{d:<decisionId>}
  ARGV[1]  action id

  Returns "unknown" (no such decision or choice), "again" or "first".
]]
if redis.call('HEXISTS', KEYS[1], 'a:' .. ARGV[1]) == 0 then
  return 'unknown'
end
if redis.call('HSETNX', KEYS[1], 'o:' .. ARGV[1], '1') == 0 then
  return 'again'
end
return 'first'
