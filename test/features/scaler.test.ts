import { describe, expect, it } from 'vitest';
import { MaxAbsScaler } from '../../src/features/scaler.js';

describe('MaxAbsScaler', () => {
  it('reports the factor past scaled values must be multiplied by when a scale grows', () => {
    const s = new MaxAbsScaler(2);
    expect(s.observe(3, 4)).toBe(1); // first non-zero value: nothing to rescale
    expect(s.apply(3, 2)).toBe(0.5);
    expect(s.observe(3, -2)).toBe(1);
    expect(s.observe(3, -16)).toBe(0.25);
    expect(s.scaleOf(3)).toBe(16);
    expect(s.apply(3, 4)).toBe(0.25);
  });

  it('maps values of a never-scaled feature to their sign', () => {
    const s = new MaxAbsScaler();
    expect(s.apply(7, 0)).toBe(0);
    expect(s.apply(7, -30)).toBe(-1);
  });

  it('round-trips through a snapshot', () => {
    const s = new MaxAbsScaler(1);
    s.observe(0, 5);
    s.observe(9, 300);
    const r = MaxAbsScaler.restore(JSON.parse(JSON.stringify(s.snapshot())));
    expect(r.scaleOf(0)).toBe(5);
    expect(r.scaleOf(9)).toBe(300);
    expect(r.scaleOf(4)).toBe(0);
  });
});
