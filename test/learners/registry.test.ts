import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { EMPTY_FEATURES, features, type Features } from '../../src/domain/features.js';
import type { ActionRef, LearnerSnapshot } from '../../src/learners/learner.js';
import { DEFAULT_LEARNER, createLearner, learnerConfigSchema, restoreLearner, type LearnerConfigInput } from '../../src/learners/registry.js';

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

  it('creates and restores each kind: settings, statistics and scores survive a JSON round trip', () => {
    // Non-default settings, so a restore that fell back to defaults would show.
    const configs: LearnerConfigInput[] = [
      { kind: 'bayes-hybrid', lambda: 2, sharedLambda: 3, noise: 0.4, maxModelBytes: 2 ** 21 },
      { kind: 'bayes-linear', lambda: 2, noise: 0.4, maxFeatures: 100, maxModelBytes: 2 ** 21 },
      { kind: 'bayes-shared', lambda: 2, noise: 0.4, pairs: ['channel'] },
      { kind: 'sgd', bits: 12, learningRate: 0.5 },
    ];
    const rng = new SeededRandom(7);
    const actions: ActionRef[] = [
      { id: 'plain', features: EMPTY_FEATURES },
      { id: 'm1', features: features({ discount: 10 }, { channel: 'email' }) },
      { id: 'm2', features: features({}, { channel: 'sms' }) },
    ];
    const context = (): Features => features({ spend: 100 * rng.next() }, { seg: rng.next() < 0.5 ? 'a' : 'b' });
    for (const config of configs) {
      const learner = createLearner(config);
      expect(learner.kind).toBe(config.kind);
      for (let t = 0; t < 60; t++) learner.learn({ context: context(), action: actions[t % 3]!, reward: rng.next() < 0.3 ? 1 : 0 });
      const snapshot = JSON.parse(JSON.stringify(learner.snapshot())) as LearnerSnapshot;
      const restored = restoreLearner(snapshot);
      expect(restored.kind).toBe(config.kind);
      expect(restored.updates).toBe(60);
      expect(JSON.parse(JSON.stringify(restored.snapshot()))).toEqual(snapshot);
      expect((snapshot.state as { config: Record<string, unknown> }).config).toMatchObject(
        Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'kind')),
      );
      const probe = context();
      const a = { mean: new Float64Array(3), width: new Float64Array(3) };
      const b = { mean: new Float64Array(3), width: new Float64Array(3) };
      learner.score(learner.prepare(probe), actions, a);
      restored.score(restored.prepare(probe), actions, b);
      expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
      expect(Array.from(b.width)).toEqual(Array.from(a.width));
    }
    expect(createLearner().kind).toBe('bayes-hybrid');
    expect(() => restoreLearner({ kind: 'nope', updates: 0, state: {} })).toThrow(/unknown learner/);
    expect(() => restoreLearner({ kind: 'bayes-linear', updates: 0, state: { arms: 'x' } })).toThrow();
  });
});
