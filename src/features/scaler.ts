/** A feature whose scale grew: its scaled values must be multiplied by `factor` (< 1). */
export interface Rescale {
  readonly index: number;
  readonly factor: number;
}

/**
 * A scaled value is kept within this many learned scales. While learning it
 * is within +-1 (the scale is the largest value learned); a value scored
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
 * bound (bounds.maxAbsFeature <= 1e15) one step grows a scale at most 1e24-fold.
 */
export const MIN_SCALE = 1e-9;

/** A feature's max-abs scale after learning `raw`: unchanged unless |raw| is larger, and never below MIN_SCALE. */
export function grownScale(old: number, raw: number): number {
  const v = Math.abs(raw);
  return v > old ? Math.max(v, MIN_SCALE) : old;
}

/** `raw` in units of `scale`, clipped to +-MAX_SCALED; a feature with no scale yet maps to its sign. */
export function scaleValue(raw: number, scale: number): number {
  if (!(scale > 0)) return raw === 0 ? 0 : Math.sign(raw);
  const v = raw / scale;
  return v > MAX_SCALED ? MAX_SCALED : v < -MAX_SCALED ? -MAX_SCALED : v;
}

export interface ScalerSnapshot {
  readonly scales: readonly number[];
}

/**
 * Online max-abs scaling per dense feature index, updated while learning only
 * (so scores never depend on what was merely scored). Clients send raw values
 * (pixels 0-16, money in the hundreds); a ridge prior is only meaningful
 * when features share a scale.
 *
 * When a scale grows from s to s', every past scaled value x/s becomes x/s',
 * i.e. it is multiplied by f = s/s'. The scaler reports f so the learner can
 * rescale its statistics exactly instead of mixing old and new units.
 * Categorical one-hots are 1 and never pass through here.
 */
export class MaxAbsScaler {
  private scales: Float64Array;

  constructor(capacity = 16) {
    this.scales = new Float64Array(Math.max(1, capacity));
  }

  /** 0 until a non-zero value has been observed. */
  scaleOf(index: number): number {
    return index < this.scales.length ? (this.scales[index] ?? 0) : 0;
  }

  /**
   * Observe a raw value while learning. Returns the factor past scaled values
   * must be multiplied by: 1 when unchanged, and also 1 when the feature had
   * no scale yet (all its past values were 0, which scaling leaves at 0).
   */
  observe(index: number, value: number): number {
    const old = this.scaleOf(index);
    const next = grownScale(old, value);
    if (next === old) return 1;
    this.ensure(index + 1);
    this.scales[index] = next;
    return old === 0 ? 1 : old / next;
  }

  /**
   * Scaled value. A feature with no scale yet had only zeros in learning, so
   * its weight is exactly 0; mapping it to +-1 keeps its prior uncertainty
   * on the same footing as every other feature.
   */
  apply(index: number, value: number): number {
    return scaleValue(value, this.scaleOf(index));
  }

  private ensure(n: number): void {
    if (n <= this.scales.length) return;
    const next = new Float64Array(Math.max(n, this.scales.length * 2));
    next.set(this.scales);
    this.scales = next;
  }

  snapshot(): ScalerSnapshot {
    let n = this.scales.length;
    while (n > 0 && this.scales[n - 1] === 0) n--;
    return { scales: Array.from(this.scales.subarray(0, n)) };
  }

  static restore(s: ScalerSnapshot): MaxAbsScaler {
    const scaler = new MaxAbsScaler(s.scales.length);
    scaler.scales.set(s.scales);
    return scaler;
  }
}
