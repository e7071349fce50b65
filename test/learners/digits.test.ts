import { describe, expect, it } from 'vitest';
import type { Features } from '../../src/domain/features.js';
import { DEFAULT_EXPLORATION } from '../../src/explore/pmf.js';
import type { ActionRef, Learner, LearnerSnapshot, LearningExample, ScoreBuffers } from '../../src/learners/learner.js';
import { DEFAULT_LEARNER, createLearner } from '../../src/learners/registry.js';
import { SeededRandom } from '../../src/core/random.js';
import { loadDigits, runStream, shuffledOrder } from './digits.js';

/** A learner that learns nothing: random scores. The bar must be out of its reach. */
class RandomScores implements Learner<null> {
  readonly kind = 'random';
  readonly updates = 0;
  private readonly rng = new SeededRandom(3);
  prepare(_context: Features): null {
    return null;
  }
  score(_p: null, actions: readonly ActionRef[], out: ScoreBuffers): void {
    for (let k = 0; k < actions.length; k++) {
      out.mean[k] = this.rng.next();
      out.width[k] = 0.1;
    }
  }
  learn(_e: LearningExample): void {}
  unlearn(_e: LearningExample): boolean {
    return false;
  }
  explain(): [] {
    return [];
  }
  snapshot(): LearnerSnapshot {
    return { kind: this.kind, updates: 0, state: null };
  }
}

describe('digits stream (bandit feedback, progressive validation)', () => {
  const digits = loadDigits();
  const order = shuffledOrder(digits.labels.length, 1);

  it('has the expected shape', () => {
    expect(digits.contexts).toHaveLength(1797);
    expect(new Set(digits.labels).size).toBe(10);
  });

  it('the default learner and exploration reach >= 0.83 average reward on one shuffle', () => {
    const result = runStream(createLearner(DEFAULT_LEARNER), DEFAULT_EXPLORATION, digits, order, 1);
    expect(result.reward).toBeGreaterThanOrEqual(0.83);
  });

  it('a learner with random scores cannot pass', () => {
    const result = runStream(new RandomScores(), DEFAULT_EXPLORATION, digits, order, 1);
    expect(result.reward).toBeLessThan(0.2);
  });
});
