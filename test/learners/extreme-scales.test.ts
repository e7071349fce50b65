import { describe, expect, it } from 'vitest';
import type { Features } from '../../src/domain/features.js';
import { MAX_SCALED } from '../../src/features/scaler.js';
import type { Learner } from '../../src/learners/learner.js';
import { createLearner } from '../../src/learners/registry.js';
import { allFinite } from '../../src/policies/learner-guard.js';

const KINDS = ['bayes-hybrid', 'bayes-linear', 'bayes-shared', 'sgd'] as const;
const none: Features = { numeric: {}, categorical: {} };
const ctx = (basket: number): Features => ({ numeric: { basket }, categorical: { region: 'north' } });
const actions = [{ id: 'n', features: none }, { id: 's', features: none }];

function scores(l: Learner, basket: number): number[] {
  const mean = new Float64Array(2);
  const width = new Float64Array(2);
  l.score(l.prepare(ctx(basket)), actions, { mean, width });
  return [...mean, ...width];
}

/**
 * Extreme but finite values inside the bounds, with no guard in front (found
 * by the long property run, bench/integrity-properties.ts): a feature first
 * learned at 1e-308 and then at ordinary sizes rescaled the statistics by
 * 1e-310 and overflowed them; one scored far beyond anything learned
 * overflowed the score.
 */
describe.each(KINDS)('%s with extreme feature scales', (kind) => {
  it('stays finite when a feature first seen at 1e-308 then takes ordinary values', () => {
    const l = createLearner({ kind } as never);
    l.learn({ context: ctx(1e-308), action: { id: 'n', features: none }, reward: 1 });
    l.learn({ context: ctx(-5e-324), action: { id: 's', features: none }, reward: 0 });
    for (let i = 0; i < 20; i++) l.learn({ context: ctx(20 + i), action: { id: i % 2 ? 'n' : 's', features: none }, reward: i % 2 });
    expect(allFinite(l.snapshot().state)).toBe(true);
    for (const v of scores(l, 30)) expect(Number.isFinite(v)).toBe(true);
  });

  it('scores a value far beyond every learned one finitely', () => {
    const l = createLearner({ kind } as never);
    for (let i = 0; i < 20; i++) l.learn({ context: ctx(1e-300 * (1 + i)), action: { id: i % 2 ? 'n' : 's', features: none }, reward: i % 2 });
    for (const v of scores(l, 1e15)) expect(Number.isFinite(v)).toBe(true);
    expect(MAX_SCALED).toBeLessThan(1e6);
  });
});
