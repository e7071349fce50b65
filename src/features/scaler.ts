import { z } from 'zod';
import { tactError } from '../core/errors.js';
import { binOf, inlierLimit } from './log-bins.js';

/**
 * A scaled value is kept within this many learned scales. While learning it
 * is within +-1 (see FeatureScaler.learned); a value scored
 * later can be any multiple of it, and one 1e300 times a scale learned from
 * a tiny value overflowed a score to Infinity (bench/integrity-properties.ts
 * found it). Beyond a thousand times anything ever learned, the model knows
 * nothing more about the value than that it is large.
 */
export const MAX_SCALED = 1e3;

/**
 * The smallest scale a feature gets. A first value of 1e-308 made a scale
 * from which the next ordinary value (20) grew it by a factor of 1e310, and
 * rescaling the learner's statistics by that overflowed them to Infinity
 * (bench/integrity-properties.ts found it). With this floor and the feature
 * bound (bounds.maxAbsFeature <= 1e15) one step changes a scale at most 1e24-fold.
 */
export const MIN_SCALE = 1e-9;

/** `raw` in units of `scale`, clipped to +-MAX_SCALED; a feature with no scale yet maps to its sign. */
export function scaleValue(raw: number, scale: number): number {
  if (!(scale > 0)) return raw === 0 ? 0 : Math.sign(raw);
  const v = raw / scale;
  return v > MAX_SCALED ? MAX_SCALED : v < -MAX_SCALED ? -MAX_SCALED : v;
}

/**
 * Scaled value while learning: within +-1, and 0 for a value beyond the
 * scale, an outlier (see FeatureScaler).
 */
function learnedValue(raw: number, scale: number): number {
  if (!(scale > 0)) return raw === 0 ? 0 : Math.sign(raw);
  const v = raw / scale;
  return v > 1 || v < -1 ? 0 : v;
}

/** One histogram bin of a feature's |values|: how many, and the largest learned into it. */
interface ScaleBin {
  readonly bin: number;
  count: number;
  max: number;
}

/**
 * The saved scaler. `scales` is all that code before the histograms stored
 * and read (so a replica of that code can still restore a newer snapshot);
 * `histograms[i]` is feature i's bins flattened as [bin, count, max, ...];
 * `floors` what remains of a snapshot that had no histograms.
 */
export const scalerStateSchema = z.object({
  scales: z.array(z.number().nonnegative()),
  histograms: z.array(z.array(z.number())).optional(),
  floors: z.array(z.number().nonnegative()).optional(),
});

export type ScalerSnapshot = z.infer<typeof scalerStateSchema>;

/** A feature's held |values| on the fixed bins of log-bins.ts. */
class Magnitudes {
  /** Bins in use, ascending. */
  readonly bins: ScaleBin[] = [];

  add(magnitude: number): void {
    const b = binOf(magnitude);
    const at = this.find(b);
    const bin = this.bins[at];
    if (bin !== undefined && bin.bin === b) {
      bin.count++;
      if (magnitude > bin.max) bin.max = magnitude;
    } else this.bins.splice(at, 0, { bin: b, count: 1, max: magnitude });
  }

  /**
   * Take one value back. A bin that empties goes, so a value alone in its
   * bin (an outlier) leaves no trace; a bin that keeps values keeps its
   * largest, which may have been the value removed (the held values are not
   * stored, only counted): the scale then stays at most one bin width (9%)
   * above the largest value held, as max-abs scales always stayed.
   */
  remove(magnitude: number): void {
    const b = binOf(magnitude);
    const at = this.find(b);
    const bin = this.bins[at];
    if (bin === undefined || bin.bin !== b) return;
    if (--bin.count === 0) this.bins.splice(at, 1);
  }

  /** The largest value held below the outlier cut, 0 when none is held. */
  scale(): number {
    const limit = inlierLimit(this.bins);
    if (limit === undefined) return 0;
    for (let i = this.bins.length - 1; i >= 0; i--) {
      const bin = this.bins[i]!;
      if (bin.bin <= limit) return Math.max(bin.max, MIN_SCALE);
    }
    return 0;
  }

  /** Index of bin b in `bins`, or where it would be inserted. */
  private find(b: number): number {
    let lo = 0;
    let hi = this.bins.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.bins[mid]!.bin < b) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Online robust scaling per dense feature index, updated while learning
 * (and unlearning) only, so scores never depend on what was merely scored.
 * Clients send raw values (pixels 0-16, money in the hundreds); a ridge
 * prior is only meaningful when features share a scale.
 *
 * A feature's scale is the largest |value| held that is not an outlier
 * (see inlierLimit: more than 64 times the 95th percentile, at most 5% of
 * the values). For data without such values, which is nearly all data, it
 * is the max-abs scale this scaler always had. It was max-abs outright
 * until one in-bounds 1e8 sent for a feature that is otherwise 0..100 made
 * every later value ~1e-6, losing the feature for good (issue 10). Not
 * before the feature has 20 values: with fewer there is nothing to tell an
 * outlier by, and an extreme value among a feature's first 19 sets its scale
 * as max-abs did. Once it becomes an outlier the scale comes back down, but
 * the example that carried it was learned at +-1 of the old scale and now
 * reads as huge, so it holds the feature's weight near 0 until that example
 * is unlearned (measured: the same loss as max-abs; from the 20th value on,
 * none).
 *
 * An outlier is learned as 0, as if the example lacked the feature: it
 * teaches nothing about the feature's weight. Not clipped to +-1: its
 * contribution would then be +-1 at the scale of its time, rescaled with the
 * rest as the scale moves, and unlearning it later, at +-1 of another scale,
 * would not take out what was put in. A 0 stays 0 in any units, so an
 * outlier is unlearned exactly as long as it is still an outlier.
 *
 * The scale is a function of a histogram of the |values| held, on fixed
 * logarithmic bins with their counts and largest values, so unlearning a
 * value takes it back out (see Magnitudes.remove for the one inexactness)
 * and, when it was the outlier that set nothing, the scale is unchanged.
 *
 * When a scale changes from s to s', every past scaled value x/s becomes
 * x/s', i.e. it is multiplied by f = s/s' (below 1 when it grows, above when
 * it shrinks). The scaler reports f so the learner can rescale its
 * statistics exactly instead of mixing old and new units. The exception is a
 * value whose side of the cut changes between learning and unlearning (a
 * feature's range moving by 64 times, or a value among its first 20): it
 * is unlearned at its new reading, not exactly.
 * Categorical one-hots are 1 and never pass through here.
 */
export class FeatureScaler {
  private scales: Float64Array;
  private readonly magnitudes: Array<Magnitudes | undefined> = [];
  /**
   * A snapshot written before the histograms had only the max-abs scales:
   * each stays as its feature's lowest scale, since the values behind it are
   * not known and so cannot be unlearned.
   */
  private floors: Float64Array | undefined;

  constructor(capacity = 16) {
    this.scales = new Float64Array(Math.max(1, capacity));
  }

  /** 0 until a non-zero value has been observed. */
  scaleOf(index: number): number {
    return index < this.scales.length ? (this.scales[index] ?? 0) : 0;
  }

  /**
   * Learn a raw value. Returns the factor past scaled values must be
   * multiplied by: 1 when the scale is unchanged, and also 1 when the feature
   * had no scale yet (all its past values were 0, which scaling leaves at 0).
   */
  observe(index: number, value: number): number {
    if (value === 0) return 1;
    (this.magnitudes[index] ??= new Magnitudes()).add(Math.abs(value));
    return this.refresh(index);
  }

  /** Unlearn a raw value learned earlier; returns the factor as observe does. */
  forget(index: number, value: number): number {
    const held = this.magnitudes[index];
    if (value === 0 || held === undefined) return 1;
    held.remove(Math.abs(value));
    // Nothing held: the same state as a feature never learned, snapshots included.
    if (held.bins.length === 0) this.magnitudes[index] = undefined;
    return this.refresh(index);
  }

  /**
   * Scaled value for scoring, clipped to +-MAX_SCALED. A feature with no
   * scale yet had only zeros in learning, so its weight is exactly 0; mapping
   * it to +-1 keeps its prior uncertainty on the same footing as every other
   * feature.
   */
  apply(index: number, value: number): number {
    return scaleValue(value, this.scaleOf(index));
  }

  /** Scaled value for learning and unlearning: within +-1, an outlier 0 (see the class). */
  learned(index: number, value: number): number {
    return learnedValue(value, this.scaleOf(index));
  }

  private refresh(index: number): number {
    const old = this.scaleOf(index);
    const next = Math.max(this.floors?.[index] ?? 0, this.magnitudes[index]?.scale() ?? 0);
    if (next === old) return 1;
    this.ensure(index + 1);
    this.scales[index] = next;
    // No scale before or after: every held value of the feature is 0.
    return old === 0 || next === 0 ? 1 : old / next;
  }

  private ensure(n: number): void {
    if (n <= this.scales.length) return;
    const next = new Float64Array(Math.max(n, this.scales.length * 2));
    next.set(this.scales);
    this.scales = next;
  }

  snapshot(): ScalerSnapshot {
    let n = this.scales.length;
    while (n > 0 && this.scales[n - 1] === 0 && this.magnitudes[n - 1] === undefined) n--;
    const state: ScalerSnapshot = {
      scales: Array.from(this.scales.subarray(0, n)),
      histograms: Array.from({ length: n }, (_, i) => (this.magnitudes[i]?.bins ?? []).flatMap((b) => [b.bin, b.count, b.max])),
    };
    if (this.floors) state.floors = Array.from(this.floors);
    return state;
  }

  /** Bad input gets SNAPSHOT_INVALID: a learner is never restored with scales it did not have. */
  static restore(s: ScalerSnapshot): FeatureScaler {
    const scaler = new FeatureScaler(s.scales.length);
    if (s.histograms === undefined) {
      scaler.floors = Float64Array.from(s.scales);
    } else {
      if (s.histograms.length !== s.scales.length) throw tactError('SNAPSHOT_INVALID', `scaler: ${s.histograms.length} histograms for ${s.scales.length} scales`);
      if (s.floors) scaler.floors = Float64Array.from(s.floors);
      s.histograms.forEach((flat, i) => {
        if (flat.length > 0) scaler.magnitudes[i] = restoreMagnitudes(flat, i);
      });
    }
    for (let i = 0; i < s.scales.length; i++) {
      scaler.refresh(i);
      if (scaler.scaleOf(i) !== s.scales[i]) throw tactError('SNAPSHOT_INVALID', `scaler: feature ${i} has scale ${s.scales[i]} but its histogram gives ${scaler.scaleOf(i)}`);
    }
    return scaler;
  }
}

function restoreMagnitudes(flat: readonly number[], index: number): Magnitudes {
  const held = new Magnitudes();
  if (flat.length % 3 !== 0) throw tactError('SNAPSHOT_INVALID', `scaler: histogram ${index} is not [bin, count, max] triples`);
  for (let k = 0; k < flat.length; k += 3) {
    const [bin, count, max] = [flat[k]!, flat[k + 1]!, flat[k + 2]!];
    const previous = held.bins[held.bins.length - 1];
    if (!(Number.isInteger(count) && count > 0 && Number.isFinite(max) && max > 0 && binOf(max) === bin && (previous === undefined || previous.bin < bin))) {
      throw tactError('SNAPSHOT_INVALID', `scaler: histogram ${index} has a bad bin at ${k / 3}`);
    }
    held.bins.push({ bin, count, max });
  }
  return held;
}
