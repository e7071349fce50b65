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
return reserve(KEYS[1], ARGV[1], ARGV[2])
