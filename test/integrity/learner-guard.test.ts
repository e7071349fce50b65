import { describe, expect, it } from 'vitest';
import { createLearner, restoreLearner } from '../../src/learners/registry.js';
import { allFinite, LearnerGuard, type GuardEvent } from '../../src/policies/learner-guard.js';
import { policyConfigSchema } from '../../src/policies/policy-config.js';
import { Policy } from '../../src/policies/policy-set.js';
import type { Features } from '../../src/domain/features.js';
import type { LearningExample } from '../../src/learners/learner.js';

const KINDS = ['bayes-hybrid', 'bayes-linear', 'bayes-shared', 'sgd'] as const;
const ctx = (x: number): Features => ({ numeric: { x }, categorical: { seg: x > 0 ? 'a' : 'b' } });
const ex = (x: number, reward: number, id = 'a'): LearningExample => ({ context: ctx(x), action: { id, features: { numeric: {}, categorical: {} } }, reward });

function scores(guard: LearnerGuard, x: number): number[] {
  const l = guard.current;
  const mean = new Float64Array(2);
  const width = new Float64Array(2);
  const none = { numeric: {}, categorical: {} };
  l.score(l.prepare(ctx(x)), [{ id: 'a', features: none }, { id: 'b', features: none }], { mean, width });
  return [...mean, ...width];
}

describe('LearnerGuard', () => {
  it.each(KINDS)('%s: refuses an update that would make it non-finite, and keeps learning', (kind) => {
    const events: GuardEvent[] = [];
    // Bounds wide open: only the non-finite check stands between the learner and 1e308 + 1e308.
    const guard = new LearnerGuard(createLearner({ kind } as never), { maxAbsFeature: Number.MAX_VALUE, maxAbsReward: Number.MAX_VALUE }, () => createLearner({ kind } as never), 4);
    guard.onEvent = (e) => events.push(e);
    for (let i = 0; i < 10; i++) guard.apply(ex(1, 1), false);
    guard.apply(ex(1, 1e308), false);
    guard.apply(ex(1, 1e308), false);
    guard.apply(ex(1e300, 1e308), false);
    for (const v of scores(guard, 1)) expect(Number.isFinite(v)).toBe(true);
    // Damage the per-update score cannot see is caught at the next checkpoint (every 4 updates here).
    for (let i = 0; i < 10; i++) guard.apply(ex(1, 1), false);
    expect(allFinite(guard.current.snapshot().state)).toBe(true);
    for (const v of scores(guard, 1)) expect(Number.isFinite(v)).toBe(true);
    if (kind !== 'sgd') expect(guard.counts.refused).toBeGreaterThan(0);
    expect(events.filter((e) => e.kind === 'refused')).toHaveLength(guard.counts.refused);
  });

  it('clips features and rewards to the bounds and counts it', () => {
    const guard = new LearnerGuard(createLearner({ kind: 'bayes-linear' } as never), { maxAbsFeature: 100, maxAbsReward: 10 }, () => createLearner({ kind: 'bayes-linear' } as never));
    expect(guard.apply(ex(1e9, 1e6), false)).toBe(true);
    expect(guard.counts.clipped).toBe(2);
    expect(guard.apply(ex(Number.NaN, 1), false)).toBe(false);
    expect(guard.counts.refused).toBe(1);
  });

  it('rolls a learner found non-finite back to its last good checkpoint plus the good updates since', () => {
    const make = () => createLearner({ kind: 'bayes-linear' } as never);
    const guard = new LearnerGuard(make(), { maxAbsFeature: 1e9, maxAbsReward: 1e6 }, make, 5);
    for (let i = 0; i < 7; i++) guard.apply(ex(i % 2 ? 1 : -1, i % 3), false);
    const before = scores(guard, 1);
    // A bug bypasses the guard and poisons the live learner. (Two rewards of 1e308 no longer reach the scores:
    // they overflow b, but the reward unit leaves them out and theta stays finite.)
    guard.current.learn(ex(1, Number.NaN));
    expect(scores(guard, 1).every(Number.isFinite)).toBe(false);
    expect(guard.recover()).toBe(true);
    expect(scores(guard, 1)).toEqual(before);
    expect(guard.counts.rollbacks).toBe(1);
  });

  it('starts fresh when the learner it is given is already non-finite', () => {
    const bad = createLearner({ kind: 'bayes-linear' } as never);
    bad.learn(ex(1, 1e308));
    bad.learn(ex(1, 1e308));
    expect(allFinite(bad.snapshot().state)).toBe(false);
    const policy = new Policy(policyConfigSchema.parse({ name: 'p', learner: { kind: 'bayes-linear' } }), bad);
    expect(policy.guard.startedFresh).toBe(true);
    expect(allFinite(policy.learner.snapshot().state)).toBe(true);
  });

  it('never unlearns an update it refused', () => {
    const policy = new Policy(policyConfigSchema.parse({ name: 'p', learner: { kind: 'bayes-linear' }, bounds: { maxAbsReward: 1e12 } }), createLearner({ kind: 'bayes-linear' } as never));
    const update = { policy: 'p', customerId: 'c', decisionId: 'd1', context: ctx(1), actionId: 'a', actionFeatures: { numeric: {}, categorical: {} }, reward: 1 };
    policy.apply(update);
    const afterOne = policy.learner.snapshot();
    const nan = { ...update, decisionId: 'd2', context: { numeric: { x: Number.NaN }, categorical: {} } };
    expect(policy.apply(nan)).toBe(false);
    expect(policy.apply({ ...nan, unlearn: true })).toBe(true);
    expect(policy.learner.snapshot().state).toEqual(afterOne.state);
  });
});
