import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { EMPTY_FEATURES } from '../../src/domain/features.js';
import type { Learner } from '../../src/learners/learner.js';
import { loadNetwork } from '../../src/learners/neural-linear/model-files.js';
import { NeuralLinearLearner } from '../../src/learners/neural-linear/neural-linear.js';
import { embed, outputs } from '../../src/learners/neural-linear/network.js';
import { buildModel, fileLoadHandler, fileSaveHandler, loadTf, networkFromModel } from '../../src/learners/neural-linear/tfjs-io.js';
import { createLearner, restoreLearner } from '../../src/learners/registry.js';
import { ridge } from './linalg.js';
import { XOR_ACTIONS as ACTIONS, xorContext } from './xor.js';

const dirs: string[] = [];
const learners: NeuralLinearLearner[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'tact-nl-'));
  dirs.push(d);
  return d;
};
const neural = (overrides: Record<string, unknown> = {}): NeuralLinearLearner => {
  const l = createLearner({ kind: 'neural-linear', save: false, ...overrides }, { policy: 'test' }) as NeuralLinearLearner;
  learners.push(l);
  return l;
};

afterAll(async () => {
  // Terminate every training worker, or vitest waits on them.
  await Promise.all(learners.map((l) => l.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});


function feed(learner: Learner, n: number, seed: number): void {
  const rng = new SeededRandom(seed);
  for (let t = 0; t < n; t++) {
    const { context, best } = xorContext(rng);
    const k = Math.floor(rng.next() * 2);
    learner.learn({ context, action: ACTIONS[k]!, reward: k === best ? 1 : 0 });
  }
}

describe('neural-linear model files', () => {
  it('round-trips model.json + weights with identical predictions', async () => {
    const { tf } = await loadTf('cpu');
    const model = buildModel(tf, { inputs: 5, hidden: 8, embedding: 4, outputs: 3, seed: 3 });
    const meta = {
      version: 1,
      inputNames: ['(bias)', 'f1', 'f2', 'f3', 'f4'],
      inputScales: [0, 2, 1, 1, 5],
      embedScale: [0.5, 1, 1, 2],
      actions: ['x', 'y', 'z'],
      trainedOn: 0,
    };
    const dir = path.join(tempDir(), 'v1');
    model.setUserDefinedMetadata({ tact: meta });
    await model.save(fileSaveHandler(tf, dir));
    const original = networkFromModel(model, meta);
    const loaded = loadNetwork(dir);
    expect(loaded.meta).toEqual(meta);
    const rng = new SeededRandom(5);
    for (let t = 0; t < 20; t++) {
      const input = Float32Array.from({ length: 5 }, (_, i) => (i === 0 ? 1 : rng.next() * 2 - 1));
      expect(Array.from(embed(loaded, input))).toEqual(Array.from(embed(original, input)));
      expect(Array.from(outputs(loaded, input))).toEqual(Array.from(outputs(original, input)));
      // tfjs itself reads the same files back (float32 arithmetic: close, not bit-equal to the JS pass).
      const reread = await tf.loadLayersModel(fileLoadHandler(dir));
      const viaTf = (reread.predict(tf.tensor2d(input, [1, 5])) as ReturnType<typeof tf.tensor2d>).dataSync();
      const js = outputs(original, input);
      for (let j = 0; j < 3; j++) expect(viaTf[j]!).toBeCloseTo(js[j]!, 5);
      reread.dispose();
    }
  });

  it('a learner restored from its snapshot and saved network scores identically', async () => {
    const learner = neural({ save: true, modelsDir: tempDir(), minExamples: 50, epochs: 3 });
    feed(learner, 60, 1);
    await learner.settle();
    expect(learner.networkVersion).toBe(1);
    feed(learner, 20, 2);
    const restored = restoreLearner(JSON.parse(JSON.stringify(learner.snapshot())), { policy: 'test' }) as NeuralLinearLearner;
    learners.push(restored);
    expect(restored.modelTag).toBe('nn-v1');
    const rng = new SeededRandom(9);
    for (let t = 0; t < 20; t++) {
      const { context } = xorContext(rng);
      const a = { mean: new Float64Array(2), width: new Float64Array(2) };
      const b = { mean: new Float64Array(2), width: new Float64Array(2) };
      learner.score(learner.prepare(context), ACTIONS, a);
      restored.score(restored.prepare(context), ACTIONS, b);
      for (let k = 0; k < 2; k++) {
        expect(b.mean[k]).toBeCloseTo(a.mean[k]!, 10);
        expect(b.width[k]).toBeCloseTo(a.width[k]!, 10);
      }
    }
  });
});

describe('neural-linear learner', () => {
  it('behaves exactly like bayes-linear until the first network arrives', () => {
    const nl = neural({ minExamples: 10_000 });
    const bl = createLearner({ kind: 'bayes-linear' });
    feed(nl, 100, 4);
    feed(bl, 100, 4);
    const { context } = xorContext(new SeededRandom(1));
    const a = { mean: new Float64Array(2), width: new Float64Array(2) };
    const b = { mean: new Float64Array(2), width: new Float64Array(2) };
    nl.score(nl.prepare(context), ACTIONS, a);
    bl.score(bl.prepare(context), ACTIONS, b);
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
    expect(Array.from(a.width)).toEqual(Array.from(b.width));
    expect(nl.modelTag).toBeUndefined();
  });

  it('the head is exact Bayesian linear regression on the embedding', async () => {
    const learner = neural({ minExamples: 80, epochs: 3, lambda: 2 });
    feed(learner, 80, 6);
    await learner.settle();
    expect(learner.networkVersion).toBe(1);
    // Examples after the rebuild are learned online (Sherman-Morrison); one is corrected, one unlearned.
    feed(learner, 40, 7);
    const extra = xorContext(new SeededRandom(77)).context;
    learner.learn({ context: extra, action: ACTIONS[0]!, reward: 1 });
    learner.learn({ context: extra, action: ACTIONS[0]!, reward: 3, previousReward: 1 });
    const gone = learner.replayed()[5]!;
    expect(learner.unlearn({ context: gone.context, action: { id: gone.actionId, features: EMPTY_FEATURES }, reward: gone.reward })).toBe(true);
    for (const action of ['a', 'b']) {
      const rows = learner.replayed().filter((e) => e.actionId === action);
      const z = rows.map((e) => Array.from(learner.embedding(e.context)!));
      const { theta } = ridge(z, rows.map((e) => e.reward), 2);
      const head = learner.headWeights(action)!;
      theta.forEach((t, i) => expect(head[i]).toBeCloseTo(t, 8));
    }
  });

  it('learning and scoring go on while a network trains', async () => {
    const learner = neural({ minExamples: 100, epochs: 60, hidden: 64 });
    feed(learner, 99, 8);
    const rng = new SeededRandom(10);
    const out = { mean: new Float64Array(2), width: new Float64Array(2) };
    learner.learn({ ...xorContext(rng), action: ACTIONS[0]!, reward: 0 });
    expect(learner.training).toBe(true);
    let during = 0;
    while (learner.training && during < 5000) {
      const { context, best } = xorContext(rng);
      learner.score(learner.prepare(context), ACTIONS, out);
      learner.learn({ context, action: ACTIONS[best]!, reward: 1 });
      during++;
      if (during % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    // Decisions and updates went on while the job ran on its worker (no wall-clock bound: the machine may be busy).
    expect(during).toBeGreaterThan(20);
    await learner.settle();
    expect(learner.networkVersion).toBe(1);
  });
});
