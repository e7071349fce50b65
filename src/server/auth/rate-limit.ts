import { dropOldest } from '../../core/drop-oldest.js';

/** A token bucket's size: `perSecond` refill, up to `burst` calls at once. */
export interface RateSpec {
  readonly perSecond: number;
  readonly burst: number;
}

/** `empty`: the index (in the limits given) of the bucket that ran out and needs the longest wait. */
export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number; readonly empty: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets keyed by caller (and scope), on an injected clock. Keys are
 * bounded: past `maxKeys` the least recently used bucket is dropped, which
 * at worst hands that caller a full bucket again, never blocks anyone.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes one call from every bucket, or none when any is empty (then says when to retry). */
  take(limits: readonly { readonly key: string; readonly spec: RateSpec }[]): RateDecision {
    const now = this.now();
    let wait = 0;
    let empty = -1;
    const buckets = limits.map(({ key, spec }, i) => {
      const b = this.refill(key, spec, now);
      const needed = b.tokens < 1 ? Math.max(1, Math.ceil(((1 - b.tokens) / spec.perSecond) * 1000)) : 0;
      if (needed > wait) [wait, empty] = [needed, i];
      return b;
    });
    if (empty >= 0) return { ok: false, retryAfterMs: wait, empty };
    for (const b of buckets) b.tokens -= 1;
    return { ok: true };
  }

  private refill(key: string, spec: RateSpec, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-inserted below: Map order is recency order
      b.tokens = Math.min(spec.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * spec.perSecond);
      b.at = now;
    } else {
      b = { tokens: spec.burst, at: now };
      // Room for the new one.
      dropOldest(this.buckets, this.maxKeys - 1);
    }
    this.buckets.set(key, b);
    return b;
  }
}
