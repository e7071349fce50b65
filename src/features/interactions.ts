import { murmur3 } from '../core/hash.js';
import { categoricalKey, type Features } from '../domain/features.js';
import type { ActionRef } from '../domain/decision.js';
import { tactError } from '../core/errors.js';

export const DEFAULT_BITS = 18;

const CONTEXT_SEED = 0x1f2e3d4c;
const ACTION_SEED = 0x5a6b7c8d;
const BIAS_KEY = '(bias)';

/** A sparse vector as parallel arrays; `length` entries are valid. */
export class SparseVector {
  index: Int32Array;
  value: Float64Array;
  length = 0;

  constructor(capacity = 64) {
    this.index = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
  }

  /** Make room for n entries, keeping none (buffers are reused across calls). */
  reserve(n: number): void {
    if (n <= this.index.length) return;
    const cap = Math.max(n, this.index.length * 2);
    this.index = new Int32Array(cap);
    this.value = new Float64Array(cap);
  }
}

/** A context hashed once per decision. */
export interface HashedContext {
  /** Key hashes (full 32 bits, before masking) and raw values, bias first. */
  readonly hash: Int32Array;
  readonly value: Float64Array;
  /** Keys, kept for explanations only. */
  readonly keys: readonly string[];
}

/** Combine two 32-bit hashes into one well-mixed 32-bit hash (murmur3's finaliser). */
export function mixHashes(a: number, b: number): number {
  let h = (Math.imul(a, 0x9e3779b1) ^ b) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function featureEntries(f: Features): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const name in f.numeric) {
    const v = f.numeric[name] ?? 0;
    if (v !== 0 && Number.isFinite(v)) out.push([name, v]);
  }
  for (const name in f.categorical) out.push([categoricalKey(name, f.categorical[name] ?? ''), 1]);
  return out;
}

/**
 * Hashed features for the SGD learner, as VW builds them: context features,
 * action features (the action id always is one: "action=<id>") and every
 * context x action pair (VW's -q), all in one 2^bits space. Interaction
 * indices are combined from the two key hashes, so no string is built per
 * candidate; action key hashes are cached per action id.
 */
export class InteractionHasher {
  readonly mask: number;
  private readonly actionCache = new Map<string, { features: Features; hash: Int32Array; value: Float64Array }>();

  constructor(readonly bits: number = DEFAULT_BITS) {
    if (!Number.isInteger(bits) || bits < 1 || bits > 30) throw tactError('BAD_CONFIGURATION', 'bits must be an integer in [1, 30]');
    this.mask = (1 << bits) - 1;
  }

  get size(): number {
    return this.mask + 1;
  }

  hashContext(context: Features): HashedContext {
    const entries = featureEntries(context);
    const hash = new Int32Array(entries.length + 1);
    const value = new Float64Array(entries.length + 1);
    const keys: string[] = [BIAS_KEY];
    hash[0] = murmur3(BIAS_KEY, CONTEXT_SEED) | 0;
    value[0] = 1;
    entries.forEach(([key, v], i) => {
      hash[i + 1] = murmur3(key, CONTEXT_SEED) | 0;
      value[i + 1] = v;
      keys.push(key);
    });
    return { hash, value, keys };
  }

  /**
   * Write the vector of (context, action) into `out`. The context's own
   * features are included so the model can learn a shared baseline.
   */
  build(context: HashedContext, action: ActionRef, out: SparseVector): void {
    const a = this.hashAction(action);
    const nc = context.hash.length;
    const na = a.hash.length;
    out.reserve(nc + na + (nc - 1) * na);
    const mask = this.mask;
    let n = 0;
    for (let i = 0; i < nc; i++) {
      out.index[n] = context.hash[i]! & mask;
      out.value[n++] = context.value[i]!;
    }
    for (let j = 0; j < na; j++) {
      out.index[n] = a.hash[j]! & mask;
      out.value[n++] = a.value[j]!;
    }
    // Bias x action would duplicate the action's own features, so it is skipped.
    for (let i = 1; i < nc; i++) {
      const hc = context.hash[i]!;
      const vc = context.value[i]!;
      for (let j = 0; j < na; j++) {
        out.index[n] = mixHashes(hc, a.hash[j]!) & mask;
        out.value[n++] = vc * a.value[j]!;
      }
    }
    out.length = n;
  }

  /** Names parallel to what `build` writes, for explanations (not the hot path). */
  names(context: HashedContext, action: ActionRef): string[] {
    const actionKeys = [`action=${action.id}`, ...featureEntries(action.features).map(([k]) => k)];
    const out = [...context.keys, ...actionKeys];
    for (const c of context.keys.slice(1)) for (const k of actionKeys) out.push(`${c}*${k}`);
    return out;
  }

  private hashAction(action: ActionRef): { hash: Int32Array; value: Float64Array } {
    const cached = this.actionCache.get(action.id);
    // Identity check: a catalog reload brings new feature objects, and with them new hashes.
    if (cached !== undefined && cached.features === action.features) return cached;
    const entries: Array<[string, number]> = [[`action=${action.id}`, 1], ...featureEntries(action.features)];
    const hash = new Int32Array(entries.length);
    const value = new Float64Array(entries.length);
    entries.forEach(([key, v], i) => {
      hash[i] = murmur3(key, ACTION_SEED) | 0;
      value[i] = v;
    });
    // Bounded: action ids come from the catalog, but a runaway caller must not grow memory forever.
    if (this.actionCache.size >= 100_000) this.actionCache.clear();
    const entry = { features: action.features, hash, value };
    this.actionCache.set(action.id, entry);
    return entry;
  }
}
