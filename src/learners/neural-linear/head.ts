import { tactError } from '../../core/errors.js';
import { Arm, multiplySparse, quadraticForm, rankOne } from '../linear-posterior.js';

/**
 * The online head: disjoint Bayesian linear regression per action on the
 * network's embedding [1, z], with bayes-linear's exact math (A^-1 kept
 * directly, Sherman-Morrison per example). Dense and fixed-size: every
 * embedding has the same dimension, so the arms never grow.
 */
export class EmbeddingHead {
  private readonly arms = new Map<string, Arm>();
  private readonly all: Int32Array;
  private readonly u: Float64Array;

  constructor(
    readonly dim: number,
    readonly lambda: number,
  ) {
    this.all = Int32Array.from({ length: dim }, (_, i) => i);
    this.u = new Float64Array(dim);
  }

  get armCount(): number {
    return this.arms.size;
  }

  add(id: string, z: Float64Array, reward: number): void {
    let arm = this.arms.get(id);
    if (arm === undefined) {
      arm = Arm.fresh(this.dim, this.lambda);
      this.arms.set(id, arm);
    }
    this.step(arm, z, 1);
    this.addToB(arm, z, reward);
    arm.count++;
  }

  /** Exact removal of an example added earlier; false if A would lose definiteness (it was not added). */
  remove(id: string, z: Float64Array, reward: number): boolean {
    const arm = this.arms.get(id);
    if (arm === undefined) return false;
    if (!this.step(arm, z, -1)) return false;
    this.addToB(arm, z, -reward);
    arm.count--;
    return true;
  }

  /** Move an observation's target by `delta` (a corrected reward): A is unchanged. */
  correct(id: string, z: Float64Array, delta: number): void {
    const arm = this.arms.get(id);
    if (arm !== undefined) this.addToB(arm, z, delta);
  }

  /** Mean and sqrt(z' A^-1 z) per action; unseen actions get the prior. */
  score(z: Float64Array, ids: readonly { readonly id: string }[], mean: Float64Array, spread: Float64Array): void {
    let normSq = 0;
    for (let i = 0; i < this.dim; i++) normSq += z[i]! * z[i]!;
    const prior = Math.sqrt(normSq / this.lambda);
    for (let k = 0; k < ids.length; k++) {
      const arm = this.arms.get(ids[k]!.id);
      if (arm === undefined) {
        mean[k] = 0;
        spread[k] = prior;
        continue;
      }
      let m = 0;
      for (let i = 0; i < this.dim; i++) m += arm.theta[i]! * z[i]!;
      const q = quadraticForm(arm.aInv, this.dim, this.all, z, this.dim, true);
      mean[k] = m;
      spread[k] = Math.sqrt(q > 0 ? q : 0);
    }
  }

  weights(id: string): Float64Array | undefined {
    const arm = this.arms.get(id);
    return arm === undefined ? undefined : Float64Array.from(arm.theta);
  }

  snapshot(): Array<{ id: string; count: number; aInv: number[]; b: number[] }> {
    return [...this.arms].map(([id, a]) => ({ id, count: a.count, aInv: Array.from(a.aInv), b: Array.from(a.b) }));
  }

  static restore(dim: number, lambda: number, arms: ReturnType<EmbeddingHead['snapshot']>): EmbeddingHead {
    const head = new EmbeddingHead(dim, lambda);
    for (const a of arms) {
      if (a.aInv.length !== dim * dim || a.b.length !== dim) throw tactError('SNAPSHOT_INVALID', `head arm ${a.id}: sizes do not match dim ${dim}`);
      const arm = new Arm(dim, Float64Array.from(a.aInv), Float64Array.from(a.b), new Float64Array(dim), lambda, a.count);
      arm.refreshTheta();
      head.arms.set(a.id, arm);
    }
    return head;
  }

  /** A^-1 <- A^-1 -/+ u u' / (1 +/- z'u) with u = A^-1 z. */
  private step(arm: Arm, z: Float64Array, sign: 1 | -1): boolean {
    const u = this.u;
    multiplySparse(arm.aInv, this.dim, z, this.all, this.dim, u);
    let zu = 0;
    for (let i = 0; i < this.dim; i++) zu += z[i]! * u[i]!;
    const denom = 1 + sign * zu;
    if (!(denom > 1e-12)) return false;
    rankOne(arm.aInv, this.dim, u, sign / denom);
    return true;
  }

  private addToB(arm: Arm, z: Float64Array, reward: number): void {
    for (let i = 0; i < this.dim; i++) arm.b[i] = arm.b[i]! + reward * z[i]!;
    arm.refreshTheta();
  }
}
