/** A feature whose scale grew: its scaled values must be multiplied by `factor` (< 1). */
export interface Rescale {
  readonly index: number;
  readonly factor: number;
}

export interface ScalerSnapshot {
  readonly scales: readonly number[];
}

/**
 * How much a scale may grow on one observation. Max-abs scaling alone lets a
 * single outlier (1e155 once) set the scale for good and crush every other
 * example of the feature to ~0; capping the growth means one value can at most
 * double the scale, while a feature whose real range is larger still reaches
 * it after a few observations (x2 each).
 */
export const MAX_SCALE_GROWTH = 2;

/** The scale after observing `raw` (0 = no scale yet: the first non-zero value sets it). */
export function grownScale(old: number, raw: number): number {
  const v = Math.abs(raw);
  if (!(v > old)) return old;
  return old === 0 ? v : Math.min(v, old * MAX_SCALE_GROWTH);
}

/**
 * A raw value in scaled units, clamped to [-1, 1]: a value beyond the scale
 * (an outlier whose growth was capped) counts as the largest value seen, so
 * no single input can push a model's statistics far outside their range.
 * No scale yet: its sign (see MaxAbsScaler.apply).
 */
export function scaleValue(raw: number, scale: number): number {
  if (!(scale > 0)) return raw === 0 ? 0 : Math.sign(raw);
  const x = raw / scale;
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

/**
 * Online max-abs scaling per dense feature index (growth capped, values
 * clamped: see MAX_SCALE_GROWTH), updated while learning only
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
