import { describe, expect, it } from 'vitest';
import { DEFAULT_LEARNER, createLearner, learnerConfigSchema, restoreLearner } from '../../src/learners/registry.js';

describe('learner registry', () => {
  it('accepts a bare kind and fills the tuned defaults', () => {
    expect(learnerConfigSchema.parse({ kind: 'bayes-hybrid' })).toEqual(DEFAULT_LEARNER);
    expect(DEFAULT_LEARNER).toMatchObject({ kind: 'bayes-hybrid', lambda: 1, noise: 0.25, forgetting: 1, maxFeatures: 256 });
    expect(DEFAULT_LEARNER).toMatchObject({ pairs: ['channel', 'slot', 'category', 'discount'], matches: [] });
    expect(learnerConfigSchema.parse({ kind: 'bayes-linear' })).toMatchObject({ kind: 'bayes-linear', lambda: 1, maxFeatures: 256 });
    expect(learnerConfigSchema.parse({ kind: 'sgd' })).toMatchObject({ kind: 'sgd', bits: 18 });
  });

  it('rejects invalid configs', () => {
    expect(() => learnerConfigSchema.parse({ kind: 'bayes-linear', lambda: 0 })).toThrow();
    expect(() => learnerConfigSchema.parse({ kind: 'bayes-linear', forgetting: 1.5 })).toThrow();
    expect(() => learnerConfigSchema.parse({ kind: 'neural' })).toThrow();
  });

  it('creates and restores each kind', () => {
    for (const kind of ['bayes-hybrid', 'bayes-linear', 'bayes-shared', 'sgd'] as const) {
      const learner = createLearner({ kind });
      expect(learner.kind).toBe(kind);
      expect(restoreLearner(learner.snapshot()).kind).toBe(kind);
    }
    expect(createLearner().kind).toBe('bayes-hybrid');
    expect(() => restoreLearner({ kind: 'nope', updates: 0, state: {} })).toThrow(/unknown learner/);
    expect(() => restoreLearner({ kind: 'bayes-linear', updates: 0, state: { arms: 'x' } })).toThrow();
  });
});
