import { murmur3 } from '../../core/hash.js';
import { tactError } from '../../core/errors.js';

/**
 * Every Redis key Tact uses, built here and nowhere else.
 *
 * Layout (prefix defaults to "tact"; tests pass a random one):
 *
 *   <p>:{c:<customer>}:profile    hash   profile attributes ("n:<name>" numeric, "c:<name>" categorical)
 *   <p>:{c:<customer>}:consent    hash   per-channel consent and preferences; no TTL (an opt-out outlives any silence; forget removes it)
 *   <p>:{c:<customer>}:cart       hash   itemId -> {category, at}
 *   <p>:{c:<customer>}:purchases  zset   recent purchases, scored by time
 *   <p>:{c:<customer>}:tickets    string open service tickets
 *   <p>:{c:<customer>}:sends      zset   recent sends (frequency caps), scored by time
 *   <p>:{c:<customer>}:ignored    zset   recent ignored messages (fatigue), scored by time
 *       (profile .. ignored: TTL = customer retention, 90 days, renewed by each event or send)
 *   <p>:{c:<customer>}:decisions  zset   the customer's held decision ids, scored by window end; TTL = its longest decision's
 *   <p>:{c:<customer>}:ledger     list   the customer's learning updates within the ledger retention (ledger.ts); TTL = that retention
 *   <p>:{c:<customer>}:r:<request> string a request id's answer (idempotent Decide; the request key is already scoped by customer); TTL = window + grace
 *   <p>:{d:<decision>}            hash   one decision: record, answer, rewards, event ids; TTL = window + grace
 *   <p>:{r:<request>}             string the same, as versions before 2026-12 wrote it: read and forgotten on one Redis until they expire (a day)
 *   <p>:{x:<n>}:expiry            zset   sweep index shard n (0..SWEEP_SHARDS-1): held decision ids, scored by window end
 *   <p>:{u}:updates               stream learning updates, applied in order by every replica
 *   <p>:{u}:snapshot              string latest learner snapshot and the stream id it includes
 *   <p>:{f}:marker                hash   fleet marker: its id changes only when an operator confirms a data loss
 *   <p>:{f}:data-lost             string why marketing sends are stopped (set on detection, removed on confirmation)
 *
 * Why these hash tags: on Redis Cluster every key of one Lua script must live
 * in one slot. All of a customer's keys share `{c:<customer>}`, so the cap
 * check (reserve), events and forget are single-slot scripts, and a Decide's
 * first read (the customer and its request id's answer) is one script on a
 * cluster too. A decision is
 * one hash in its own slot, so the reward join and the take-on-expiry are
 * single-key scripts serialised per decision; Reward carries only the
 * decision id, so the decision cannot live in its customer's slot. The sweep
 * index is sharded by decision id over SWEEP_SHARDS slots, so no one node
 * takes every decision's index write; each shard is claimed by its own
 * single-key script. The stream sits in one slot on purpose (replicas must
 * apply one total order), and the snapshot save trims it in the same script
 * because both share `{u}`.
 *
 * Writes that span slots are separate commands on a cluster, ordered or
 * made harmless (redis-store.ts says which for each operation); on one
 * Redis, where slots do not matter, a Decide's save and a publish are one
 * script each (save-decision-n.lua, publish-2.lua).
 */
export const SWEEP_SHARDS = 16;

export class RedisKeys {
  constructor(readonly prefix = 'tact') {
    if (/[{}\s]/.test(prefix) || prefix === '') {
      throw tactError('BAD_CONFIGURATION', `Redis key prefix must be non-empty without braces or spaces: "${prefix}"`);
    }
  }

  private customer(customerId: string, part: string): string {
    return `${this.prefix}:{c:${customerId}}:${part}`;
  }

  profile = (customerId: string): string => this.customer(customerId, 'profile');
  consent = (customerId: string): string => this.customer(customerId, 'consent');
  cart = (customerId: string): string => this.customer(customerId, 'cart');
  purchases = (customerId: string): string => this.customer(customerId, 'purchases');
  tickets = (customerId: string): string => this.customer(customerId, 'tickets');
  sends = (customerId: string): string => this.customer(customerId, 'sends');
  ignored = (customerId: string): string => this.customer(customerId, 'ignored');
  customerDecisions = (customerId: string): string => this.customer(customerId, 'decisions');
  ledger = (customerId: string): string => this.customer(customerId, 'ledger');

  /** Every key of one customer, in the order forget-9.lua expects them. */
  customerKeys(customerId: string): string[] {
    return [
      this.profile(customerId),
      this.consent(customerId),
      this.cart(customerId),
      this.purchases(customerId),
      this.tickets(customerId),
      this.sends(customerId),
      this.ignored(customerId),
      this.customerDecisions(customerId),
      this.ledger(customerId),
    ];
  }

  /** Pattern matching every key of one customer (tests check erasure with SCAN). */
  customerPattern(customerId: string): string {
    return `${this.prefix}:{c:${escapeGlob(customerId)}}:*`;
  }

  decision = (decisionId: string): string => `${this.prefix}:{d:${decisionId}}`;
  /** A request id's answer; `requestKey` is the engine's key, already scoped by customer and caller. */
  request = (customerId: string, requestKey: string): string => this.customer(customerId, `r:${requestKey}`);
  /** Where versions before 2026-12 kept it, in its own slot (see the layout above). */
  legacyRequest = (requestKey: string): string => `${this.prefix}:{r:${requestKey}}`;
  /** The sweep index shard that holds this decision. */
  expiry = (decisionId: string): string => this.expiryShard(murmur3(decisionId) % SWEEP_SHARDS);
  expiryShard = (shard: number): string => `${this.prefix}:{x:${shard}}:expiry`;
  /**
   * Every sweep index key: the shards, then the single index of versions
   * before sharding (still claimed, so decisions held across an upgrade are
   * swept; it empties within one attribution window).
   */
  expiryKeys(): string[] {
    return [...Array.from({ length: SWEEP_SHARDS }, (_, i) => this.expiryShard(i)), `${this.prefix}:{x}:expiry`];
  }
  updates = (): string => `${this.prefix}:{u}:updates`;
  snapshot = (): string => `${this.prefix}:{u}:snapshot`;
  fleetMarker = (): string => `${this.prefix}:{f}:marker`;
  dataLost = (): string => `${this.prefix}:{f}:data-lost`;

  /** Pattern for every key under this prefix (test cleanup, memory bench). */
  all(): string {
    return `${escapeGlob(this.prefix)}:*`;
  }
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
