/** A feature whose scale grew: its scaled values must be multiplied by `factor` (< 1). */
export interface Rescale {
  readonly index: number;
  readonly factor: number;
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
    const v = Math.abs(value);
    const old = this.scaleOf(index);
    if (!(v > old)) return 1;
    this.ensure(index + 1);
    this.scales[index] = v;
    return old === 0 ? 1 : old / v;
  }

  /**
   * Scaled value. A feature with no scale yet had only zeros in learning, so
   * its weight is exactly 0; mapping it to +-1 keeps its prior uncertainty
   * on the same footing as every other feature.
   */
  apply(index: number, value: number): number {
    const s = this.scaleOf(index);
    if (s > 0) return value / s;
    return value === 0 ? 0 : Math.sign(value);
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
