/**
 * The exact per-arm Bayesian linear regression shared by bayes-linear (on the
 * raw scaled context) and neural-linear (on a network's embedding): A^-1 kept
 * directly so scoring is a quadratic form and learning a Sherman-Morrison step.
 */

import { z } from 'zod';
import { tactError } from '../core/errors.js';
import { ExactSum } from './exact-sum.js';
import { importanceWeight, type LearningExample } from './learner.js';
import type { RewardScale } from './reward-scale.js';

/** An arm as saved in snapshots. */
export const armStateSchema = z.object({
  dim: z.number().int().positive(),
  prior: z.number().positive(),
  count: z.number().int().nonnegative(),
  aInv: z.array(z.number()),
  b: z.array(z.number()),
  /**
   * The posterior mean as the learner holds it. Learning updates it
   * incrementally, so recomputing A^-1 b would differ in the last bits; saved
   * so a restored learner scores exactly like the one saved. Absent in
   * snapshots from before it was kept: recomputed.
   */
  theta: z.array(z.number()).optional(),
  /**
   * The exact sum of w r^2 over the arm's observations (ExactSum terms), from
   * which the residual noise is estimated. Absent in snapshots from before it
   * was kept: those learners estimate no noise (see bayes-linear's noiseEstimate).
   */
  rewardSq: z.array(z.number()).optional(),
});

export type ArmState = z.infer<typeof armStateSchema>;

/**
 * One action's posterior: A = prior*I + sum x x' (decayed by forgetting),
 * stored as its inverse so scoring is a quadratic form and learning a
 * Sherman-Morrison update, both O(d^2) with no factorisation.
 *
 * A^-1 is symmetric, so only its upper triangle (row <= column) is kept
 * current: a rank-one step touches half the matrix. Entries below the
 * diagonal are stale; read through `upper` or the functions here.
 */
export class Arm {
  constructor(
    public dim: number,
    public aInv: Float64Array,
    public b: Float64Array,
    public theta: Float64Array,
    /** Current prior precision: lambda, decayed by forgetting with the data. */
    public prior: number,
    public count: number,
    /**
     * Sum of w r^2 over the observations, exact (ExactSum) so that unlearning
     * one takes it back bit for bit: with b and theta it gives the residual
     * sum of squares (residualSumOfSquares) without keeping the examples.
     */
    public readonly rewardSq: ExactSum = new ExactSum(),
  ) {}

  static fromState(s: ArmState, label = 'arm'): Arm {
    if (s.aInv.length !== s.dim * s.dim || s.b.length !== s.dim || (s.theta !== undefined && s.theta.length !== s.dim)) {
      throw tactError('SNAPSHOT_INVALID', `${label}: array sizes do not match dim ${s.dim}`);
    }
    const arm = new Arm(s.dim, Float64Array.from(s.aInv), Float64Array.from(s.b), new Float64Array(s.dim), s.prior, s.count);
    if (s.theta) arm.theta.set(s.theta);
    else arm.refreshTheta();
    for (const t of s.rewardSq ?? []) {
      if (!Number.isFinite(t)) throw tactError('SNAPSHOT_INVALID', `${label}: rewardSq has a non-finite term`);
      arm.rewardSq.add(t);
    }
    return arm;
  }

  toState(): ArmState {
    return {
      dim: this.dim, prior: this.prior, count: this.count, aInv: Array.from(this.aInv), b: Array.from(this.b),
      theta: Array.from(this.theta), rewardSq: this.rewardSq.terms(),
    };
  }

  static fresh(dim: number, prior: number): Arm {
    const aInv = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) aInv[i * dim + i] = 1 / prior;
    return new Arm(dim, aInv, new Float64Array(dim), new Float64Array(dim), prior, 0);
  }

  /**
   * Add features the vocabulary learned since this arm was last touched.
   * Exact: past examples had them at 0, so A gains only prior on its diagonal.
   */
  grow(dim: number): void {
    if (dim <= this.dim) return;
    const old = this.dim;
    const aInv = new Float64Array(dim * dim);
    for (let i = 0; i < old; i++) aInv.set(this.aInv.subarray(i * old, (i + 1) * old), i * dim);
    for (let i = old; i < dim; i++) aInv[i * dim + i] = 1 / this.prior;
    const b = new Float64Array(dim);
    b.set(this.b);
    const theta = new Float64Array(dim);
    theta.set(this.theta);
    this.dim = dim;
    this.aInv = aInv;
    this.b = b;
    this.theta = theta;
  }

  refreshTheta(): void {
    const d = this.dim;
    const m = this.aInv;
    const b = this.b;
    const theta = this.theta;
    theta.fill(0, 0, d);
    for (let i = 0; i < d; i++) {
      const row = i * d;
      const bi = b[i]!;
      let s = m[row + i]! * bi;
      for (let j = i + 1; j < d; j++) {
        const mij = m[row + j]!;
        s += mij * b[j]!;
        theta[j] = theta[j]! + mij * bi;
      }
      theta[i] = theta[i]! + s;
    }
  }
}

/**
 * The arm's ridge residual: sum of w (r - x'theta)^2 + prior |theta|^2, which
 * for the ridge solution equals sum w r^2 - b'theta, so it needs no example
 * kept. Derived from exact state (rewardSq) and the posterior; never below 0.
 */
export function residualSumOfSquares(arm: Arm): number {
  let bt = 0;
  for (let i = 0; i < arm.dim; i++) bt += arm.b[i]! * arm.theta[i]!;
  const rss = arm.rewardSq.value - bt;
  return rss > 0 ? rss : 0;
}

/** Index of entry (i, j) of a symmetric d x d matrix kept as its upper triangle. */
export const upper = (d: number, i: number, j: number): number => (i <= j ? i * d + j : j * d + i);

/** u = column j of the symmetric matrix (upper storage). */
function column(m: Float64Array, d: number, j: number, u: Float64Array): void {
  for (let i = 0; i < j; i++) u[i] = m[i * d + j]!;
  const row = j * d;
  for (let i = j; i < d; i++) u[i] = m[row + i]!;
}

/**
 * Feature `index` changes units: its values are multiplied by f from now
 * on. With x' = D x the data part becomes A' = D A D and b' = D b, so
 * A'^-1 = D^-1 A^-1 D^-1; the prior on the feature, scaled along to
 * prior f^2, is topped back up to prior by one Sherman-Morrison step, so
 * the posterior is exactly ridge regression on the data in the new units.
 * `u` is scratch of length >= dim.
 */
export function changeUnits(arm: Arm, index: number, f: number, u: Float64Array): void {
  const d = arm.dim;
  const m = arm.aInv;
  const inv = 1 / f;
  for (let i = 0; i < index; i++) m[i * d + index] = m[i * d + index]! * inv;
  const row = index * d;
  m[row + index] = m[row + index]! * inv;
  for (let j = index; j < d; j++) m[row + j] = m[row + j]! * inv;
  arm.b[index] = arm.b[index]! * f;
  const c = arm.prior * (1 - f * f);
  column(m, d, index, u);
  rankOne(m, d, u, c / (1 + c * u[index]!));
}

/**
 * u = M x over the non-zeros of x (x has dimension d = arm dim), M
 * symmetric in upper storage: u is the sum of M's columns at x's non-zeros,
 * each read as its part above the diagonal plus the row from the diagonal on.
 */
export function multiplySparse(m: Float64Array, d: number, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array): void {
  u.fill(0, 0, d);
  for (let k = 0; k < nnz; k++) {
    const j = nz[k]!;
    const xj = x[j]!;
    for (let i = 0; i < j; i++) u[i] = u[i]! + xj * m[i * d + j]!;
    const row = j * d;
    for (let i = j; i < d; i++) u[i] = u[i]! + xj * m[row + i]!;
  }
}

/**
 * M -= coef u u': the symmetric rank-one step of Sherman-Morrison, on the
 * upper triangle. Every exact update pays it, O(d^2); the inner loop is
 * unrolled by four (1.1-1.4x at d = 889, bench/results/learner-updates.md),
 * each entry still computed as m - ci * u[j], so the result is bit for bit
 * the plain loop's.
 */
export function rankOne(m: Float64Array, d: number, u: Float64Array, coef: number): void {
  for (let i = 0; i < d; i++) {
    const ci = coef * u[i]!;
    if (ci === 0) continue;
    const row = i * d;
    let j = i;
    for (const end = d - 3; j < end; j += 4) {
      m[row + j] = m[row + j]! - ci * u[j]!;
      m[row + j + 1] = m[row + j + 1]! - ci * u[j + 1]!;
      m[row + j + 2] = m[row + j + 2]! - ci * u[j + 2]!;
      m[row + j + 3] = m[row + j + 3]! - ci * u[j + 3]!;
    }
    for (; j < d; j++) m[row + j] = m[row + j]! - ci * u[j]!;
  }
}

/**
 * x' M x over the first `count` non-zeros (those below the arm's dim), using
 * symmetry (upper triangle only). `xv` holds x's non-zero values, parallel to
 * nz. `dense`: nz is 0..d-1 in order (callers that know say so; a count of d
 * alone does not prove it when nz is not sorted).
 */
export function quadraticForm(mat: Float64Array, d: number, nz: Int32Array, xv: Float64Array, count: number, dense = false): number {
  let q = 0;
  if (dense) {
    // nz[c] === c, so rows are read contiguously without indirection.
    for (let i = 0; i < d; i++) {
      const xi = xv[i]!;
      const row = i * d;
      let s = 0.5 * mat[row + i]! * xi;
      for (let j = i + 1; j < d; j++) s += mat[row + j]! * xv[j]!;
      q += xi * s;
    }
    return 2 * q;
  }
  for (let a = 0; a < count; a++) {
    const i = nz[a]!;
    const xi = xv[a]!;
    const row = i * d;
    let s = 0.5 * mat[row + i]! * xi;
    for (let c = a + 1; c < count; c++) {
      s += mat[upper(d, i, nz[c]!)]! * xv[c]!;
    }
    q += xi * s;
  }
  return 2 * q;
}

// ---------------------------------------------------------------------------
// One observation's effect on an arm's posterior, for a sparse x held in a
// dense scratch vector (only the `nnz` indices in `nz` are non-zero). Shared
// by every learner that keeps A^-1 directly.

/** Forgetting before a new observation: A <- gamma A (so A^-1 / gamma), b <- gamma b, prior decays too. */
export function decay(arm: Arm, gamma: number): void {
  if (gamma >= 1) return;
  const m = arm.aInv;
  for (let i = 0; i < m.length; i++) m[i] = m[i]! / gamma;
  const b = arm.b;
  for (let i = 0; i < b.length; i++) b[i] = b[i]! * gamma;
  arm.prior *= gamma;
}

/** b += delta x (theta is the caller's to update). */
function shiftTarget(arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, delta: number): void {
  for (let k = 0; k < nnz; k++) {
    const i = nz[k]!;
    arm.b[i] = arm.b[i]! + delta * x[i]!;
  }
}

/** x' A^-1 x with u = A^-1 x computed into `u`. */
function project(arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array): number {
  multiplySparse(arm.aInv, arm.dim, x, nz, nnz, u);
  let xu = 0;
  for (let k = 0; k < nnz; k++) xu += x[nz[k]!]! * u[nz[k]!]!;
  return xu;
}

/** x'theta over the non-zeros of x. */
function predict(arm: Arm, x: Float64Array, nz: Int32Array, nnz: number): number {
  let s = 0;
  for (let k = 0; k < nnz; k++) s += x[nz[k]!]! * arm.theta[nz[k]!]!;
  return s;
}

/**
 * The rank-one step shared by observe (w > 0) and retract (w < 0):
 * A^-1 -= w u u' / (1 + w x'u), b += w r x, and theta moves by
 * w u (r - x'theta) / (1 + w x'u), which equals A^-1 b after the step: O(d)
 * instead of the O(d^2) product.
 */
function step(arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array, xu: number, reward: number, w: number): void {
  const denom = 1 + w * xu;
  const gain = (w * (reward - predict(arm, x, nz, nnz))) / denom;
  rankOne(arm.aInv, arm.dim, u, w / denom);
  shiftTarget(arm, x, nz, nnz, w * reward);
  const theta = arm.theta;
  for (let i = 0; i < arm.dim; i++) theta[i] = theta[i]! + gain * u[i]!;
}

/**
 * Add one observation with weight w: A += w x x' (Sherman-Morrison:
 * A^-1 -= w u u' / (1 + w x'u), u = A^-1 x) and b += w r x; theta follows.
 */
export function observe(arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array, reward: number, w: number): void {
  step(arm, x, nz, nnz, u, project(arm, x, nz, nnz, u), reward, w);
  arm.count++;
}

/**
 * Move an observation's target by delta without counting it again (reward
 * corrections): b += delta x, theta += delta A^-1 x.
 */
export function correctTarget(arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array, delta: number): void {
  multiplySparse(arm.aInv, arm.dim, x, nz, nnz, u);
  shiftTarget(arm, x, nz, nnz, delta);
  const theta = arm.theta;
  for (let i = 0; i < arm.dim; i++) theta[i] = theta[i]! + delta * u[i]!;
}

/**
 * One example's whole effect on an arm and the reward unit, for every
 * learner that keeps an Arm: a correction (previousReward set) moves the
 * target of an observation already counted; otherwise the arm decays by
 * `forgetting` and counts the observation with the example's weight.
 */
export function learnExample(
  arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array,
  example: LearningExample, forgetting: number, scale: RewardScale,
): void {
  const w = importanceWeight(example);
  scale.update(example.reward, example.previousReward);
  if (example.previousReward !== undefined) {
    correctTarget(arm, x, nz, nnz, u, w * (example.reward - example.previousReward));
    arm.rewardSq.add(w * example.previousReward * -example.previousReward);
  } else {
    decay(arm, forgetting);
    observe(arm, x, nz, nnz, u, example.reward, w);
  }
  arm.rewardSq.add(w * example.reward * example.reward);
}

/**
 * The exact inverse of learnExample (without forgetting): a correction is
 * moved back; an observation is retracted, or nothing changes and false is
 * returned when it cannot have been added.
 */
export function unlearnExample(
  arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array,
  example: LearningExample, scale: RewardScale,
): boolean {
  const w = importanceWeight(example);
  if (example.previousReward !== undefined) {
    correctTarget(arm, x, nz, nnz, u, -w * (example.reward - example.previousReward));
    arm.rewardSq.add(w * example.reward * -example.reward);
    arm.rewardSq.add(w * example.previousReward * example.previousReward);
    scale.remove(example.reward);
    scale.update(example.previousReward);
    return true;
  }
  if (!retract(arm, x, nz, nnz, u, example.reward, w)) return false;
  arm.rewardSq.add(w * example.reward * -example.reward);
  scale.remove(example.reward);
  return true;
}

/**
 * Remove an observation added earlier (the downdate). Returns false, changing
 * nothing, when 1 - w x'A^-1 x is not positive: x was never really added,
 * and removing it would make A lose definiteness.
 */
export function retract(arm: Arm, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array, reward: number, w: number): boolean {
  const xu = project(arm, x, nz, nnz, u);
  if (!(1 - w * xu > 1e-12)) return false;
  step(arm, x, nz, nnz, u, xu, reward, -w);
  arm.count--;
  return true;
}
