--[[
  Everything a decision reads about one customer, in one command (it was a
  7-command pipeline: each command costs the replica more than Redis).

  KEYS[1..7] and the reply: see customer.lib.lua (readCustomer).
]]
return readCustomer(KEYS)
