import { describe, expect, it } from 'vitest';
import { SeededRandom, shuffle } from '../../src/core/random.js';
import { DEFAULT_EXPLORATION } from '../../src/explore/pmf.js';
import { DEFAULT_LEARNER } from '../../src/learners/registry.js';
import { manyClassStreams, perFeatureWithIntercept, tact, textbook } from '../../bench/many-class-streams.js';

/**
 * Issue 17: the default learner and exploration at or above textbook
 * disjoint LinUCB on the many-class streams of bench/many-class.ts (one
 * fixed shuffle each; the bench gives the spread over shuffles), and digits
 * at 0.85 or more. Before the early noise floor the default was 3-5 points
 * below on the synthetic streams.
 */
describe('the default on many-class streams', () => {
  it.each(['digits', 's26', 's26skew', 's20'])('%s: at or above textbook LinUCB', (which) => {
    const d = manyClassStreams(which)[0]!;
    const order = shuffle(Array.from({ length: d.y.length }, (_, i) => i), new SeededRandom(1));
    const ours = tact(d, order, 1, DEFAULT_LEARNER, DEFAULT_EXPLORATION);
    expect(ours).toBeGreaterThanOrEqual(textbook(d, order));
    if (which === 'digits') expect(ours).toBeGreaterThanOrEqual(0.85);
  });

  /**
   * The public UCI streams (bench/data): at or above the textbook both as the
   * bake-off protocol feeds it (features / global max) and on features over
   * their own max plus an intercept, the stronger of the two there. On
   * Shuttle a uniform floor held at 1% cost the default 0.009 (0.932 against
   * 0.940); the floor now shrinks with the learner's updates
   * (bench/results/public-streams.md).
   */
  it.each(['letter', 'satellite', 'vowel', 'vehicle', 'shuttle'])('public %s: at or above both textbooks', (which) => {
    const d = manyClassStreams(which)[0]!;
    const order = shuffle(Array.from({ length: d.y.length }, (_, i) => i), new SeededRandom(1));
    const ours = tact(d, order, 1, DEFAULT_LEARNER, DEFAULT_EXPLORATION);
    expect(ours).toBeGreaterThanOrEqual(Math.max(textbook(d, order), textbook(perFeatureWithIntercept(d), order)));
  });
});
