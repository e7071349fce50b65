/**
 * A sum of doubles kept without rounding error (Shewchuk's non-overlapping
 * partials, as in Python's math.fsum), so that subtracting a term added
 * earlier restores the sum bit for bit, in any order: a learner that
 * unlearns an example must end where it would have been without it, and a
 * plain running sum drifts by an ulp per step.
 */
/** More than the ~40 terms any finite double sum needs (exponents span 2,098 bits, 53 per term). */
const MAX_TERMS = 64;

export class ExactSum {
  /** Non-overlapping, increasing in magnitude; their exact sum is the value. */
  private readonly partials: number[] = [];
  /** The rounded value, read once per score and changed once per reward. */
  private rounded: number | undefined;

  add(term: number): void {
    const p = this.partials;
    let x = term;
    let kept = 0;
    for (const partial of p) {
      let y = partial;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[kept++] = lo;
      x = hi;
    }
    p.length = kept;
    if (x !== 0) p.push(x);
    this.rounded = undefined;
  }

  /**
   * The exact sum rounded once, to nearest: it depends only on the terms,
   * never on the order they came in.
   */
  get value(): number {
    this.rounded ??= this.round();
    return this.rounded;
  }

  private round(): number {
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // hi + lo is exact; when the rest (same sign as lo) pushes past the halfway point, round away.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }

  /**
   * Terms whose exact sum is the value, in a form that depends on the value
   * alone: the sum rounded, then the exact remainder rounded, and so on.
   * The partials themselves depend on the order of the additions, so two
   * replicas holding one exact sum (one restored from a snapshot, one that
   * lived through the same updates) would otherwise write different
   * snapshots. Adding these terms, in any order, gives the sum back.
   */
  terms(): number[] {
    const rest = new ExactSum();
    for (const p of this.partials) rest.add(p);
    const out: number[] = [];
    // Each remainder is at most half an ulp of the term before, so a finite
    // sum takes at most about 40 steps; an overflowed one is written as it is.
    for (let v = rest.value; v !== 0; v = rest.value) {
      if (!Number.isFinite(v) || out.length >= MAX_TERMS) return this.partials.slice();
      out.push(v);
      rest.add(-v);
    }
    return out;
  }
}
