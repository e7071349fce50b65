/** Dense reference linear algebra for tests: slow, obvious, independent of the learners. */

export type Matrix = number[][];

export function identity(d: number, scale = 1): Matrix {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? scale : 0)));
}

/** Gauss-Jordan with partial pivoting. */
export function invert(m: Matrix): Matrix {
  const d = m.length;
  const a = m.map((row, i) => [...row, ...identity(d)[i]!]);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    for (let j = 0; j < 2 * d; j++) a[c]![j]! /= pivot;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      if (f === 0) continue;
      for (let j = 0; j < 2 * d; j++) a[r]![j] = a[r]![j]! - f * a[c]![j]!;
    }
  }
  return a.map((row) => row.slice(d));
}

export function matVec(m: Matrix, v: readonly number[]): number[] {
  return m.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}

/**
 * Weighted ridge regression in closed form: A = prior*I + sum w_t x_t x_t',
 * b = sum w_t y_t x_t; returns A^-1 and theta = A^-1 b.
 */
export function ridge(
  rows: readonly number[][],
  targets: readonly number[],
  prior: number,
  weights: readonly number[] = rows.map(() => 1),
): { aInv: Matrix; theta: number[] } {
  const d = rows[0]?.length ?? 0;
  const a = identity(d, prior);
  const b = new Array<number>(d).fill(0);
  rows.forEach((x, t) => {
    const w = weights[t]!;
    for (let i = 0; i < d; i++) {
      b[i] = b[i]! + w * targets[t]! * x[i]!;
      for (let j = 0; j < d; j++) a[i]![j] = a[i]![j]! + w * x[i]! * x[j]!;
    }
  });
  const aInv = invert(a);
  return { aInv, theta: matVec(aInv, b) };
}
