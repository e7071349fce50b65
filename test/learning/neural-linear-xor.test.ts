import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { computePmf, sampleIndex } from '../../src/explore/pmf.js';
import type { Learner } from '../../src/learners/learner.js';
import { NeuralLinearLearner } from '../../src/learners/neural-linear/neural-linear.js';
import { createLearner } from '../../src/learners/registry.js';
import { XOR_ACTIONS as ACTIONS, xorContext } from '../learners/xor.js';

// A learning check (networks trained on a worker thread for every 400 rewards): runs under
// `npm run test:learning`, not `npm test`.

const learners: NeuralLinearLearner[] = [];
const neural = (overrides: Record<string, unknown> = {}): NeuralLinearLearner => {
  const l = createLearner({ kind: 'neural-linear', save: false, ...overrides }, { policy: 'test' }) as NeuralLinearLearner;
  learners.push(l);
  return l;
};

afterAll(async () => {
  await Promise.all(learners.map((l) => l.close()));
});


describe('neural-linear learner', () => {
  it('beats bayes-linear on raw features on an XOR-like problem', async () => {
    const run = async (learner: Learner): Promise<number> => {
      const rng = new SeededRandom(21);
      const pick = new SeededRandom(22);
      const out = { mean: new Float64Array(2), width: new Float64Array(2) };
      const pmf = new Float64Array(2);
      let late = 0;
      for (let t = 0; t < 1200; t++) {
        const { context, best } = xorContext(rng);
        learner.score(learner.prepare(context), ACTIONS, out);
        computePmf({ kind: 'ucb', alpha: 1, epsilon: 0.05 }, out, 2, pick, pmf, learner.updates);
        const k = sampleIndex(pmf, 2, pick);
        learner.learn({ context, action: ACTIONS[k]!, reward: k === best ? 1 : 0 });
        if (t >= 900 && k === best) late++;
        // Deterministic: wait for each network where it was scheduled.
        if (learner instanceof NeuralLinearLearner && learner.training) await learner.settle();
      }
      return late / 300;
    };
    const nl = await run(neural({ minExamples: 200, retrainEvery: 400, epochs: 30 }));
    const bl = await run(createLearner({ kind: 'bayes-linear' }));
    expect(bl).toBeLessThan(0.65);
    expect(nl).toBeGreaterThan(0.85);
  });
});
