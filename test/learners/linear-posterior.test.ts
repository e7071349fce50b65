import { describe, expect, it } from 'vitest';
import { gaussian, SeededRandom } from '../../src/core/random.js';
import { Arm, correctTarget, observe, quadraticForm, retract } from '../../src/learners/linear-posterior.js';

const D = 6;

/** x as the dense scratch vector the learners pass, plus its non-zero indices. */
function sparse(rng: SeededRandom): { x: Float64Array; nz: Int32Array; nnz: number } {
  const x = new Float64Array(D);
  const idx: number[] = [];
  for (let i = 0; i < D; i++) {
    if (rng.next() < 0.6) {
      x[i] = gaussian(rng);
      idx.push(i);
    }
  }
  return { x, nz: Int32Array.from(idx), nnz: idx.length };
}

/** theta recomputed from scratch as A^-1 b: what the incremental update must equal. */
function exactTheta(arm: Arm): Float64Array {
  const copy = new Arm(arm.dim, Float64Array.from(arm.aInv), Float64Array.from(arm.b), new Float64Array(arm.dim), arm.prior, arm.count);
  copy.refreshTheta();
  return copy.theta;
}

describe('linear posterior steps', () => {
  it('keep theta equal to A^-1 b through observations, corrections and retractions', () => {
    const rng = new SeededRandom(11);
    const arm = Arm.fresh(D, 1);
    const u = new Float64Array(D);
    const seen: { x: Float64Array; nz: Int32Array; nnz: number; r: number }[] = [];
    for (let t = 0; t < 300; t++) {
      const s = sparse(rng);
      const r = gaussian(rng) * 3;
      observe(arm, s.x, s.nz, s.nnz, u, r, 1 + rng.next());
      seen.push({ ...s, r });
      if (t % 7 === 0) correctTarget(arm, s.x, s.nz, s.nnz, u, 0.5);
    }
    for (const s of seen.slice(0, 40)) expect(retract(arm, s.x, s.nz, s.nnz, u, s.r, 0.5)).toBe(true);
    const exact = exactTheta(arm);
    for (let i = 0; i < D; i++) expect(arm.theta[i]).toBeCloseTo(exact[i]!, 10);
    // And it moved: the updates were not no-ops.
    expect(Math.max(...Array.from(arm.theta, Math.abs))).toBeGreaterThan(0.1);
  });

  it("computes x'Mx for non-zeros in any order, even when all d are present", () => {
    const rng = new SeededRandom(12);
    const m = new Float64Array(D * D);
    for (let i = 0; i < D; i++) for (let j = 0; j <= i; j++) m[i * D + j] = m[j * D + i] = gaussian(rng);
    const order = Int32Array.from([3, 0, 5, 1, 4, 2]);
    const xv = Float64Array.from(order, () => gaussian(rng));
    let expected = 0;
    for (let a = 0; a < D; a++) for (let c = 0; c < D; c++) expected += xv[a]! * xv[c]! * m[order[a]! * D + order[c]!]!;
    expect(quadraticForm(m, D, order, xv, D)).toBeCloseTo(expected, 10);
    // The dense path reads values by position: only for nz = 0..d-1.
    const identity = Int32Array.from({ length: D }, (_, i) => i);
    const dense = Float64Array.from({ length: D }, (_, i) => xv[order.indexOf(i)]!);
    expect(quadraticForm(m, D, identity, dense, D, true)).toBeCloseTo(expected, 10);
  });
});
