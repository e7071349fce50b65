import { z } from 'zod';
import { tactError } from '../core/errors.js';
import { binOf, HIGHEST_BIN, inlierLimit, LOWEST_BIN } from '../features/log-bins.js';
import { ExactSum } from './exact-sum.js';

/**
 * The outlier cut (OUTLIER_SHARE, CUT_OCTAVES in log-bins.ts) looks above the
 * 95th percentile of |reward|, not the median: rewards net of a channel's
 * cost are mostly the cost (-0.001) with conversions (+50) on a few percent
 * of them, and the conversions are the reward's real size. Conversions rarer
 * than that share that far above the cost are taken for outliers, and the
 * widths then follow the cost; a policy's `noise` can widen them. Squares
 * are taken at most at 2^64, the top bin, so that no sum can overflow.
 */
const MAX_MAGNITUDE = 2 ** 64;

interface Bin {
  readonly bin: number;
  count: number;
  readonly sumSq: ExactSum;
}

const binSchema = z.object({ bin: z.number().int(), count: z.number().int().positive(), sumSq: z.array(z.number()) });

/**
 * The stored reward unit. `sumSq` and `count` are the totals, all that code
 * before the histogram stored and read (so a replica of that code can still
 * restore a newer snapshot, with the plain RMS); `bins` is the histogram, and
 * `pooled` what remains of a snapshot that had no histogram.
 */
export const rewardScaleStateSchema = z.object({
  sumSq: z.number().nonnegative(),
  count: z.number().int().nonnegative(),
  bins: z.array(binSchema).optional(),
  pooled: z.object({ count: z.number().int().positive(), sumSq: z.array(z.number()) }).optional(),
});

export type RewardScaleState = z.infer<typeof rewardScaleStateSchema>;

function square(reward: number): number {
  const m = Math.min(Math.abs(reward), MAX_MAGNITUDE);
  return m * m;
}

/** Never below zero, even after a reward that was never learned was removed. */
function nonNegative(sum: ExactSum): number {
  return Math.max(0, sum.value);
}

function sumOf(terms: readonly number[], what: string): ExactSum {
  const sum = new ExactSum();
  for (const t of terms) {
    if (!Number.isFinite(t)) throw tactError('SNAPSHOT_INVALID', `reward scale: ${what} has a non-finite term`);
    sum.add(t);
  }
  if (sum.value < 0) throw tactError('SNAPSHOT_INVALID', `reward scale: ${what} has a negative sum of squares`);
  return sum;
}

/** Placed at its RMS: all that is known of where its rewards lie. */
function pooledBin(count: number, sumSq: ExactSum): Bin {
  return { bin: binOf(Math.sqrt(sumSq.value / count)), count, sumSq };
}

/**
 * The typical size of a reward (1 until one is seen). Exploration widths are
 * expressed in this unit, so one default `noise` serves click rewards (0/1)
 * and order values (tens of EUR) alike: the width grows with the unit of the
 * reward instead of being tuned per data set. Zeros are left out because most
 * marketing decisions earn nothing; counting them would make the unit shrink
 * with the conversion rate.
 *
 * The unit is the root mean square of the non-zero rewards, less outliers
 * (see inlierLimit): a plain RMS lets a handful of rewards
 * at the bound (1e6 among 0/1 clicks) make the unit 1e5, and the learner then
 * explores for good.
 *
 * Kept as a histogram of |reward| on fixed logarithmic bins, each with its
 * count and exact sum of squares, so unlearning a reward undoes learning it
 * exactly, in any order, and the unit depends only on the rewards held.
 */
export class RewardScale {
  private readonly bins = new Map<number, Bin>();
  /** The bins in use, ascending. */
  private order: Bin[] = [];
  /**
   * A snapshot written before the histogram had only totals: they stand as
   * one bin at their RMS until unlearning has taken them all back.
   */
  private pooled: Bin | undefined;
  private cached: number | undefined;

  get value(): number {
    this.cached ??= this.compute();
    return this.cached;
  }

  /** Replace `previous` (undefined: none) by `next` as one observation's reward. */
  update(next: number, previous?: number): void {
    if (previous !== undefined) this.remove(previous);
    if (next === 0) return;
    const b = binOf(Math.abs(next));
    let bin = this.bins.get(b);
    if (!bin) {
      bin = { bin: b, count: 0, sumSq: new ExactSum() };
      this.bins.set(b, bin);
      this.order = [...this.order, bin].sort((x, y) => x.bin - y.bin);
    }
    bin.count++;
    bin.sumSq.add(square(next));
    this.cached = undefined;
  }

  remove(reward: number): void {
    if (reward === 0) return;
    const b = binOf(Math.abs(reward));
    // A reward learned before the restore of a snapshot without histogram is in the pool.
    const bin = this.bins.get(b) ?? this.pooled;
    if (!bin) return;
    bin.sumSq.add(-square(reward));
    this.cached = undefined;
    if (--bin.count > 0) return;
    if (bin === this.pooled) {
      this.pooled = undefined;
    } else {
      this.bins.delete(b);
      this.order = this.order.filter((x) => x !== bin);
    }
  }

  /** Every bin held, the pool among them, ascending. */
  private held(): readonly Bin[] {
    return this.pooled ? [...this.order, this.pooled].sort((x, y) => x.bin - y.bin) : this.order;
  }

  private compute(): number {
    const bins = this.held();
    const limit = inlierLimit(bins);
    if (limit === undefined) return 1;
    let sumSq = 0;
    let count = 0;
    for (const b of bins) {
      if (b.bin > limit) break;
      sumSq += nonNegative(b.sumSq);
      count += b.count;
    }
    return Math.sqrt(sumSq / count);
  }

  snapshot(): RewardScaleState {
    const held = this.held();
    const state: RewardScaleState = {
      sumSq: held.reduce((s, b) => s + nonNegative(b.sumSq), 0),
      count: held.reduce((n, b) => n + b.count, 0),
      bins: this.order.map((b) => ({ bin: b.bin, count: b.count, sumSq: b.sumSq.terms() })),
    };
    if (this.pooled) state.pooled = { count: this.pooled.count, sumSq: this.pooled.sumSq.terms() };
    return state;
  }

  /** Bad input gets SNAPSHOT_INVALID: a learner is never restored with a unit it did not have. */
  static restore(s: RewardScaleState): RewardScale {
    const scale = new RewardScale();
    if (s.bins === undefined) {
      if (s.count > 0) scale.pooled = pooledBin(s.count, sumOf([s.sumSq], 'total'));
      return scale;
    }
    for (const { bin: b, count, sumSq } of s.bins) {
      if (b < LOWEST_BIN || b > HIGHEST_BIN) throw tactError('SNAPSHOT_INVALID', `reward scale: bin ${b} out of range`);
      if (scale.bins.has(b)) throw tactError('SNAPSHOT_INVALID', `reward scale: bin ${b} twice`);
      scale.bins.set(b, { bin: b, count, sumSq: sumOf(sumSq, `bin ${b}`) });
    }
    scale.order = [...scale.bins.values()].sort((x, y) => x.bin - y.bin);
    if (s.pooled) scale.pooled = pooledBin(s.pooled.count, sumOf(s.pooled.sumSq, 'pool'));
    const count = [...scale.bins.values(), ...(scale.pooled ? [scale.pooled] : [])].reduce((n, b) => n + b.count, 0);
    if (count !== s.count) throw tactError('SNAPSHOT_INVALID', `reward scale: bins hold ${count} rewards, total says ${s.count}`);
    return scale;
  }
}
