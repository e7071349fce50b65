--[[
  Append one entry to a customer's learning ledger and keep the ledger within
  its retention (src/store/ledger.ts): the latest ARGV[3] entries, none
  recorded before ARGV[2], and the key gone ARGV[4] ms after its last entry.

  KEYS[1]  the customer's ledger list  <p>:{c:<customer>}:ledger
  ARGV[1]  the entry, "<at>|<publishId>|<compact update JSON>"
  ARGV[2]  cutoff, ms since epoch: entries whose leading time is before it are dropped
  ARGV[3]  most entries kept
  ARGV[4]  TTL of the key, ms (the retention)

  Entries written before entries carried a time ("<publishId>|{...}") have no
  leading number: they stop the trim and leave with the key's TTL.

  Returns the ledger's length.
]]
return ledgerPush(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
