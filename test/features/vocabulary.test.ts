import { describe, expect, it } from 'vitest';
import { BIAS_INDEX, FeatureVocabulary } from '../../src/features/vocabulary.js';

describe('FeatureVocabulary', () => {
  it('assigns dense indices in first-seen order after the bias', () => {
    const v = new FeatureVocabulary(10, 4);
    expect(v.size).toBe(1);
    expect(v.learnIndex('b')).toBe(1);
    expect(v.learnIndex('a')).toBe(2);
    expect(v.learnIndex('b')).toBe(1);
    expect(v.size).toBe(3);
    expect(v.nameOf(BIAS_INDEX)).toBe('(bias)');
    expect(v.nameOf(2)).toBe('a');
  });

  it('does not learn at score time: unseen keys have no index', () => {
    const v = new FeatureVocabulary(10, 4);
    v.learnIndex('a');
    expect(v.lookup('a')).toBe(1);
    expect(v.lookup('never')).toBe(-1);
    expect(v.size).toBe(2);
  });

  it('hashes keys beyond capacity into overflow slots at the end, deterministically', () => {
    const v = new FeatureVocabulary(3, 5);
    for (const k of ['a', 'b', 'c']) v.learnIndex(k);
    expect(v.size).toBe(4);
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const idx = v.learnIndex(`extra${i}`);
      expect(idx).toBeGreaterThanOrEqual(4);
      expect(idx).toBeLessThan(4 + 5);
      expect(v.lookup(`extra${i}`)).toBe(idx);
      seen.add(idx);
    }
    expect(seen.size).toBe(5);
    expect(v.size).toBe(v.capacity);
    expect(v.lookup('a')).toBe(1);
    expect(v.nameOf(5)).toMatch(/overflow/);
  });

  it('builds the same vocabulary from the same stream and survives a JSON snapshot', () => {
    const stream = Array.from({ length: 40 }, (_, i) => `k${(i * 7) % 23}`);
    const a = new FeatureVocabulary(16, 4);
    const b = new FeatureVocabulary(16, 4);
    for (const k of stream) expect(a.learnIndex(k)).toBe(b.learnIndex(k));
    const r = FeatureVocabulary.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(r.size).toBe(a.size);
    for (const k of [...stream, 'unseen']) expect(r.lookup(k)).toBe(a.lookup(k));
  });
});
