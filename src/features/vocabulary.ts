import { murmur3 } from '../core/hash.js';
import { tactError } from '../core/errors.js';

/** Index 0 is the bias: always 1, never a named feature. */
export const BIAS_INDEX = 0;
export const BIAS_NAME = '(bias)';

export const DEFAULT_MAX_FEATURES = 256;
export const DEFAULT_OVERFLOW_SLOTS = 32;

export interface VocabularySnapshot {
  readonly maxFeatures: number;
  readonly overflowSlots: number;
  /** Named features in index order (index = position + 1). */
  readonly names: readonly string[];
  readonly overflowed: boolean;
}

/**
 * Feature name -> dense index, assigned in first-seen order while learning.
 *
 * Why not hashing: a small dense space (64 pixels) hashed into 64-128 buckets
 * collides badly (birthday problem); a vocabulary does not. It stays
 * deterministic across a fleet because every replica applies the same reward
 * stream in the same order. Capacity is bounded: beyond `maxFeatures` named
 * features, keys hash into `overflowSlots` shared slots at the end, so a flood
 * of new names degrades to hashing instead of being dropped or growing memory.
 */
export class FeatureVocabulary {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private overflowed = false;

  constructor(
    readonly maxFeatures: number = DEFAULT_MAX_FEATURES,
    readonly overflowSlots: number = DEFAULT_OVERFLOW_SLOTS,
  ) {
    if (!Number.isInteger(maxFeatures) || maxFeatures < 0) throw tactError('BAD_CONFIGURATION', 'maxFeatures must be a non-negative integer');
    if (!Number.isInteger(overflowSlots) || overflowSlots < 1) throw tactError('BAD_CONFIGURATION', 'overflowSlots must be a positive integer');
  }

  /** Current dense dimension, bias included. Only grows, and only while learning. */
  get size(): number {
    return this.overflowed ? 1 + this.maxFeatures + this.overflowSlots : 1 + this.names.length;
  }

  /** Upper bound of `size`. */
  get capacity(): number {
    return 1 + this.maxFeatures + this.overflowSlots;
  }

  /** Index for a key seen while learning: assigns a new one if needed. */
  learnIndex(key: string): number {
    const known = this.index.get(key);
    if (known !== undefined) return known;
    if (this.names.length < this.maxFeatures) {
      const i = this.names.length + 1;
      this.names.push(key);
      this.index.set(key, i);
      return i;
    }
    this.overflowed = true;
    return this.overflowIndex(key);
  }

  /**
   * Index for a key at score time, or -1 when it has none. Unseen names have
   * no learned weight, so skipping them is exact for the mean. Once the
   * vocabulary has overflowed, an unknown key may be one that was hashed, so
   * it goes to its overflow slot like any hashed feature.
   */
  lookup(key: string): number {
    const known = this.index.get(key);
    if (known !== undefined) return known;
    return this.overflowed ? this.overflowIndex(key) : -1;
  }

  /** Human-readable name of an index, for explanations. */
  nameOf(i: number): string {
    if (i === BIAS_INDEX) return BIAS_NAME;
    if (i <= this.names.length) return this.names[i - 1] ?? `#${i}`;
    return `(overflow ${i - 1 - this.maxFeatures})`;
  }

  private overflowIndex(key: string): number {
    return 1 + this.maxFeatures + (murmur3(key) % this.overflowSlots);
  }

  snapshot(): VocabularySnapshot {
    return {
      maxFeatures: this.maxFeatures,
      overflowSlots: this.overflowSlots,
      names: [...this.names],
      overflowed: this.overflowed,
    };
  }

  static restore(s: VocabularySnapshot): FeatureVocabulary {
    const v = new FeatureVocabulary(s.maxFeatures, s.overflowSlots);
    for (const name of s.names) v.learnIndex(name);
    v.overflowed = s.overflowed;
    return v;
  }
}
