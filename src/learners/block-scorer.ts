import { BIAS_INDEX } from '../features/vocabulary.js';
import type { BaseEntries } from './joint-encoding.js';
import { upper, type Arm } from './linear-posterior.js';

/** What the block scorer reads: the posterior and where each joint feature lives in it. */
export interface BlockSource {
  readonly posterior: Arm;
  /** Joint index of a base's main effect, or -1 if never learned. */
  mainIndex(base: number): number;
  /** Joint index of a (context base, action base) product, or -1 if never learned. */
  productIndex(contextBase: number, actionBase: number): number;
}

/**
 * A block of the joint vector: its features with statistics, stored in the
 * scorer's arena at [start, start + length), and those still at the prior.
 */
interface Block {
  start: number;
  length: number;
  /** Sum of squared values of features never learned (variance val^2 / prior each). */
  tailSq: number;
  /** theta'z. */
  mean: number;
  /** e'S z. */
  cross: number;
}

/**
 * Scores candidates of one decision over bayes-shared's joint vector.
 *
 * Every candidate's joint vector is x = e + sum_b v_b z_b: e the part all
 * candidates share (bias and context), and per action base b (value v_b)
 * the block z_b of its main effect and, if it pairs, its products with the
 * context. So the mean is theta'e + sum v_b theta'z_b and the variance
 * e'Se + 2 sum v_b e'S z_b + sum v_b v_c z_b'S z_c: the block terms are
 * computed once per decision for the few bases the candidates use, and a
 * candidate costs O(bases^2) instead of O(nnz^2). Exact, the same value as
 * the quadratic form over x.
 *
 * Kept by the learner and reset per decision (`begin`); blocks live in
 * reused arenas, so a decision allocates nothing once the arenas have grown
 * to its size.
 */
export class BlockScorer {
  private readonly common: Block = { start: 0, length: 0, tailSq: 0, mean: 0, cross: 0 };
  private commonVariance = 0;
  private context!: BaseEntries;
  private wantVariance = false;
  private m: Float64Array = new Float64Array(0);
  private theta: Float64Array = new Float64Array(0);
  private d = 0;
  private prior = 1;
  /** Joint indices and values of every block of this decision, block after block. */
  private idx = new Int32Array(256);
  private val = new Float64Array(256);
  private used = 0;
  /** Blocks by key, numbered in order of first use; the objects are reused across decisions. */
  private readonly numbers = new Map<number, number>();
  private readonly blocks: Block[] = [];
  private count = 0;
  /** Products by pair of block numbers, valid where the stamp is this decision's. */
  private products = new Float64Array(0);
  private stamps = new Int32Array(0);
  private generation = 0;
  private capacity = 0;
  /** Scratch: the current candidate's block numbers. */
  private slots = new Int32Array(16);
  /** The last `score` result: x'theta. */
  mean = 0;
  /** The last `score` result: x'A^-1 x (0 when `begin` was told no variance is wanted). */
  variance = 0;

  constructor(private readonly source: BlockSource) {}

  /** Start a decision: its context's entries, and whether widths are wanted (they cost the bilinear terms). */
  begin(context: BaseEntries, wantVariance: boolean): void {
    const arm = this.source.posterior;
    this.context = context;
    this.wantVariance = wantVariance;
    this.m = arm.aInv;
    this.theta = arm.theta;
    this.d = arm.dim;
    this.prior = arm.prior;
    this.numbers.clear();
    this.count = 0;
    this.used = 0;
    this.generation = (this.generation + 1) | 0;
    if (this.generation === 0) {
      // Wrapped around: every stamp would look current.
      this.stamps.fill(0);
      this.generation = 1;
    }
    // The common block: bias and the context's main effects.
    const c = this.common;
    this.open(c, 1 + context.ids.length);
    this.put(c, BIAS_INDEX, 1);
    for (let i = 0; i < context.ids.length; i++) this.put(c, this.source.mainIndex(context.ids[i]!), context.values[i]!);
    this.commonVariance = wantVariance ? this.bilinear(c, c) + c.tailSq / this.prior : 0;
  }

  /** Sets `mean` and `variance` for one candidate's action entries. */
  score(action: BaseEntries): void {
    const n = action.ids.length;
    if (this.slots.length < n) this.slots = new Int32Array(n * 2);
    let mean = this.common.mean;
    let variance = this.commonVariance;
    for (let a = 0; a < n; a++) {
      const slot = this.number(action.ids[a]!, a < action.pairEnd);
      this.slots[a] = slot;
      const block = this.blocks[slot]!;
      const va = action.values[a]!;
      mean += va * block.mean;
      if (!this.wantVariance) continue;
      variance += va * (2 * block.cross + va * (this.product(slot, slot) + block.tailSq / this.prior));
      for (let b = 0; b < a; b++) variance += 2 * va * action.values[b]! * this.product(this.slots[b]!, slot);
    }
    this.mean = mean;
    this.variance = variance;
  }

  /** The block of a base (paired or not), built on first use: its main effect and its products with the context. */
  private number(base: number, paired: boolean): number {
    const key = base * 2 + (paired ? 1 : 0);
    const known = this.numbers.get(key);
    if (known !== undefined) return known;
    const slot = this.count++;
    if (slot === this.blocks.length) this.blocks.push({ start: 0, length: 0, tailSq: 0, mean: 0, cross: 0 });
    const block = this.blocks[slot]!;
    const context = this.context;
    this.open(block, 1 + (paired ? context.ids.length : 0));
    this.put(block, this.source.mainIndex(base), 1);
    if (paired) for (let i = 0; i < context.ids.length; i++) this.put(block, this.source.productIndex(context.ids[i]!, base), context.values[i]!);
    block.cross = this.wantVariance ? this.bilinear(this.common, block) : 0;
    this.numbers.set(key, slot);
    if (slot >= this.capacity) this.grow(Math.max(32, this.capacity * 2));
    return slot;
  }

  /** Start a block with room for `room` entries at the end of the arena. */
  private open(block: Block, room: number): void {
    if (this.used + room > this.idx.length) {
      const size = Math.max(this.idx.length * 2, this.used + room);
      const idx = new Int32Array(size);
      idx.set(this.idx.subarray(0, this.used));
      const val = new Float64Array(size);
      val.set(this.val.subarray(0, this.used));
      this.idx = idx;
      this.val = val;
    }
    block.start = this.used;
    block.length = 0;
    block.tailSq = 0;
    block.mean = 0;
    block.cross = 0;
  }

  /** Add one joint feature to the block being built (the last opened). */
  private put(block: Block, index: number, value: number): void {
    if (index >= 0 && index < this.d) {
      this.idx[this.used] = index;
      this.val[this.used++] = value;
      block.length++;
      block.mean += this.theta[index]! * value;
    } else block.tailSq += value * value;
  }

  /** a' S b for two blocks, S symmetric in upper storage. */
  private bilinear(a: Block, b: Block): number {
    const { m, d, idx, val } = this;
    let s = 0;
    for (let p = a.start; p < a.start + a.length; p++) {
      const i = idx[p]!;
      let row = 0;
      for (let q = b.start; q < b.start + b.length; q++) row += m[upper(d, i, idx[q]!)]! * val[q]!;
      s += val[p]! * row;
    }
    return s;
  }

  private product(a: number, b: number): number {
    const at = a < b ? a * this.capacity + b : b * this.capacity + a;
    if (this.stamps[at] === this.generation) return this.products[at]!;
    const p = this.bilinear(this.blocks[a]!, this.blocks[b]!);
    this.products[at] = p;
    this.stamps[at] = this.generation;
    return p;
  }

  /** More blocks than ever before: larger tables; what this decision computed is recomputed on demand. */
  private grow(capacity: number): void {
    this.products = new Float64Array(capacity * capacity);
    this.stamps = new Int32Array(capacity * capacity);
    this.capacity = capacity;
  }
}
