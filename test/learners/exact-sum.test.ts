import { describe, expect, it } from 'vitest';
import { ExactSum } from '../../src/learners/exact-sum.js';

describe('ExactSum', () => {
  it('writes the same terms for the same exact sum, whatever order built it (replicas compare snapshots)', () => {
    // Squared rewards in units of 1/49, as an arm's rewardSq adds them (these six leave different
    // partials forward and backward: the fleet test's replicas once wrote different snapshots).
    const xs = [1.6122448979591837, 0.9795918367346939, 0.5102040816326531, 1.2448979591836735, 1.4081632653061225, 0.20408163265306123].map((r) => r * r);
    const forward = new ExactSum();
    for (const x of xs) forward.add(x);
    const backward = new ExactSum();
    for (const x of [...xs].reverse()) backward.add(x);
    // One restored from the other's snapshot, then both take the same further terms.
    const restored = new ExactSum();
    for (const t of forward.terms()) restored.add(t);
    for (const x of [1.2653061224489797 ** 2]) {
      forward.add(x);
      restored.add(x);
      backward.add(x);
    }
    expect(backward.terms()).toEqual(forward.terms());
    expect(restored.terms()).toEqual(forward.terms());
    expect(restored.value).toBe(forward.value);
  });

  it('gives the sum back from its terms, and nothing for zero', () => {
    const s = new ExactSum();
    for (const x of [1e16, 1, -1e16, 1e-20]) s.add(x);
    const back = new ExactSum();
    for (const t of s.terms()) back.add(t);
    expect(back.value).toBe(s.value);
    expect(s.terms()).toEqual([1, 1e-20]);
    s.add(-1);
    s.add(-1e-20);
    expect(s.terms()).toEqual([]);
  });
});
