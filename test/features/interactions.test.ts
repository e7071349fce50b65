import { describe, expect, it } from 'vitest';
import { features } from '../../src/domain/features.js';
import { InteractionHasher, SparseVector } from '../../src/features/interactions.js';

describe('InteractionHasher', () => {
  const hasher = new InteractionHasher(12);
  const ctx = hasher.hashContext(features({ age: 30, spend: 120.5, zero: 0 }, { segment: 'vip' }));
  const action = { id: 'm1', features: features({ discount: 0.2 }, { category: 'shoes' }) };

  it('writes context, action (id included) and context x action features into 2^bits', () => {
    const v = new SparseVector(4);
    hasher.build(ctx, action, v);
    // bias + 3 context; action=m1 + 2 action features; 3 x 3 interactions (zeros are dropped).
    expect(v.length).toBe(4 + 3 + 9);
    for (let i = 0; i < v.length; i++) {
      expect(v.index[i]).toBeGreaterThanOrEqual(0);
      expect(v.index[i]).toBeLessThan(1 << 12);
    }
    const names = hasher.names(ctx, action);
    expect(names).toHaveLength(v.length);
    expect(names).toContain('action=m1');
    expect(names).toContain('segment=vip*action=m1');
    const k = names.indexOf('spend*discount');
    expect(v.value[k]).toBeCloseTo(120.5 * 0.2, 12);
  });

  it('is deterministic and separates actions', () => {
    const a = new SparseVector();
    const b = new SparseVector();
    hasher.build(ctx, action, a);
    hasher.build(hasher.hashContext(features({ age: 30, spend: 120.5 }, { segment: 'vip' })), action, b);
    expect(Array.from(a.index.subarray(0, a.length))).toEqual(Array.from(b.index.subarray(0, b.length)));
    hasher.build(ctx, { id: 'm2', features: action.features }, b);
    const idsA = new Set(a.index.subarray(0, a.length));
    const differing = Array.from(b.index.subarray(0, b.length)).filter((i) => !idsA.has(i));
    expect(differing.length).toBeGreaterThanOrEqual(4);
  });

  it('reuses its buffers once they are large enough', () => {
    const v = new SparseVector(64);
    const before = v.index;
    hasher.build(ctx, action, v);
    hasher.build(ctx, action, v);
    expect(v.index).toBe(before);
  });
});
