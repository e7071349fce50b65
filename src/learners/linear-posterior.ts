/**
 * The exact per-arm Bayesian linear regression shared by bayes-linear (on the
 * raw scaled context) and neural-linear (on a network's embedding): A^-1 kept
 * directly so scoring is a quadratic form and learning a Sherman-Morrison step.
 */

/**
 * One action's posterior: A = prior*I + sum x x' (decayed by forgetting),
 * stored as its inverse so scoring is a quadratic form and learning a
 * Sherman-Morrison update, both O(d^2) with no factorisation.
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
  ) {}

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
    for (let i = 0; i < d; i++) {
      const row = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += m[row + j]! * b[j]!;
      this.theta[i] = s;
    }
  }
}

/** u = M x over the non-zeros of x (x has dimension d = arm dim). */
export function multiplySparse(m: Float64Array, d: number, x: Float64Array, nz: Int32Array, nnz: number, u: Float64Array): void {
  for (let i = 0; i < d; i++) {
    const row = i * d;
    let s = 0;
    for (let k = 0; k < nnz; k++) {
      const j = nz[k]!;
      s += m[row + j]! * x[j]!;
    }
    u[i] = s;
  }
}

/** M += sign * u u' / denom: the symmetric rank-one step of Sherman-Morrison. */
export function rankOne(m: Float64Array, d: number, u: Float64Array, coef: number): void {
  for (let i = 0; i < d; i++) {
    const ci = coef * u[i]!;
    if (ci === 0) continue;
    const row = i * d;
    for (let j = 0; j < d; j++) m[row + j] = m[row + j]! - ci * u[j]!;
  }
}

/**
 * x' M x over the first `count` non-zeros (those below the arm's dim), using
 * symmetry (upper triangle only). `xv` holds x's non-zero values, parallel to nz.
 */
export function quadraticForm(mat: Float64Array, d: number, nz: Int32Array, xv: Float64Array, count: number): number {
  let q = 0;
  if (count === d) {
    // Dense context: nz[c] === c, so rows are read contiguously without indirection.
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
    for (let c = a + 1; c < count; c++) s += mat[row + nz[c]!]! * xv[c]!;
    q += xi * s;
  }
  return 2 * q;
}
