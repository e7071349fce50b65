import { describe, expect, it } from 'vitest';
import { gaussian, SeededRandom } from '../../src/core/random.js';
import type { Features } from '../../src/domain/features.js';
import { BayesSharedLearner } from '../../src/learners/bayes-shared.js';
import type { ActionRef } from '../../src/learners/learner.js';
import { createLearner, restoreLearner } from '../../src/learners/registry.js';
import { dot, identity, invert, matVec, type Matrix } from './linalg.js';

const CONFIG = { lambda: 1, noise: 0.25, forgetting: 1, maxFeatures: 1024, overflowSlots: 32, idInteractions: 'auto' as const };

/** Contexts with one categorical and one numeric feature in [-1, 1] (so max-abs scaling is ~identity). */
function makeContext(rng: SeededRandom): Features {
  return {
    numeric: { u: 2 * rng.next() - 1 },
    categorical: { seg: rng.next() < 0.5 ? 'a' : 'b' },
  };
}

const ACTIONS: ActionRef[] = ['x', 'y', 'z'].map((id, i) => ({
  id,
  features: { numeric: {}, categorical: { channel: i === 2 ? 'sms' : 'email' } },
}));

function score(learner: BayesSharedLearner, ctx: Features, actions: readonly ActionRef[]) {
  const mean = new Float64Array(actions.length);
  const width = new Float64Array(actions.length);
  learner.score(learner.prepare(ctx), actions, { mean, width });
  return { mean, width };
}

describe('BayesSharedLearner', () => {
  it.each([false, true])('equals closed-form ridge regression on the joint vector it builds (scale grows: %s)', (growScale) => {
    const rng = new SeededRandom(3);
    const learner = new BayesSharedLearner(CONFIG);
    const rows: { ctx: Features; a: ActionRef; r: number }[] = [];
    for (let t = 0; t < 200; t++) {
      // The first context has the largest |u|, so the scale never grows and the prior stays lambda I
      // (a growing scale rescales the statistics and, with them, the prior of that feature).
      const ctx = t === 0 && !growScale ? { numeric: { u: 1 }, categorical: { seg: 'a' } } : makeContext(rng);
      const a = ACTIONS[Math.floor(rng.next() * 3)]!;
      const u = ctx.numeric.u!;
      const r = (a.id === 'z' ? 1 : 0) + (ctx.categorical.seg === 'a' && a.features.categorical.channel === 'email' ? 0.5 : 0) + 0.3 * u + 0.05 * gaussian(rng);
      rows.push({ ctx, a, r });
      learner.learn({ context: ctx, action: a, reward: r });
    }
    // Rebuild the joint vectors by name, the way the learner defines them.
    const scaleU = Math.max(...rows.map((x) => Math.abs(x.ctx.numeric.u!)));
    const names: string[] = [];
    const vec = (ctx: Features, a: ActionRef): Map<string, number> => {
      const c: [string, number][] = [['c:u', ctx.numeric.u! / scaleU], [`c:seg=${ctx.categorical.seg}`, 1]];
      const act: [string, number][] = [[`a:channel=${a.features.categorical.channel}`, 1], [`a:action=${a.id}`, 1]];
      const m = new Map<string, number>([['(bias)', 1]]);
      for (const [k, v] of [...c, ...act]) m.set(k, v);
      // Actions with features pair the context with their features, not their id ("auto").
      for (const [ck, cv] of c) for (const [ak, av] of act.slice(0, 1)) m.set(`${ck}*${ak}`, cv * av);
      for (const k of m.keys()) if (!names.includes(k)) names.push(k);
      return m;
    };
    const vectors = rows.map((x) => vec(x.ctx, x.a));
    const d = names.length;
    const A: Matrix = identity(d, CONFIG.lambda);
    const b = new Array<number>(d).fill(0);
    vectors.forEach((m, t) => {
      const x = names.map((n) => m.get(n) ?? 0);
      for (let i = 0; i < d; i++) {
        b[i]! += rows[t]!.r * x[i]!;
        for (let j = 0; j < d; j++) A[i]![j]! += x[i]! * x[j]!;
      }
    });
    const aInv = invert(A);
    const theta = matVec(aInv, b);
    // RewardScale: root mean square of the non-zero rewards.
    const nonZero = rows.filter((x) => x.r !== 0);
    const rewardUnit = Math.sqrt(nonZero.reduce((acc, x) => acc + x.r * x.r, 0) / nonZero.length);
    const probe = makeContext(rng);
    const s = score(learner, probe, ACTIONS);
    ACTIONS.forEach((a, k) => {
      const m = vec({ ...probe, numeric: { u: probe.numeric.u! } }, a);
      const x = names.map((n) => m.get(n) ?? 0);
      expect(s.mean[k]).toBeCloseTo(dot(theta, x), 8);
      // The width is noise x reward unit x sqrt(x' A^-1 x): the block scorer's cross terms (context
      // with action blocks, action blocks with each other) must add up to the full quadratic form.
      expect(s.width[k]).toBeCloseTo(CONFIG.noise * rewardUnit * Math.sqrt(dot(x, matVec(aInv, x))), 8);
    });
    expect(s.mean[2]).toBeGreaterThan(s.mean[1]!);
  });

  it('generalises across actions through their features', () => {
    // Only "x" (email) and "z" (sms) are ever tried; "y" shares x's channel.
    const rng = new SeededRandom(4);
    const learner = new BayesSharedLearner(CONFIG);
    for (let t = 0; t < 300; t++) {
      const ctx = makeContext(rng);
      const a = rng.next() < 0.5 ? ACTIONS[0]! : ACTIONS[2]!;
      const r = a.features.categorical.channel === 'email' ? 1 : 0;
      learner.learn({ context: ctx, action: a, reward: r + 0.05 * gaussian(rng) });
    }
    const s = score(learner, makeContext(rng), ACTIONS);
    expect(s.mean[1]).toBeGreaterThan(0.4); // never tried, learned from its channel
    expect(s.mean[1]).toBeGreaterThan(s.mean[2]! + 0.3);
  });

  it('unlearns exactly and survives a snapshot round trip', () => {
    const rng = new SeededRandom(5);
    const a = createLearner({ kind: 'bayes-shared' }) as BayesSharedLearner;
    const never = createLearner({ kind: 'bayes-shared' }) as BayesSharedLearner;
    const examples = Array.from({ length: 60 }, () => ({
      context: { numeric: { u: 0.5 * (2 * rng.next() - 1) }, categorical: { seg: 'a' } },
      action: ACTIONS[Math.floor(rng.next() * 3)]!,
      reward: rng.next() < 0.3 ? 2 : 0,
    }));
    const forgotten = examples.slice(40);
    // The learner that never saw them still needs the same scales: same first example with max |u|.
    examples.forEach((e) => a.learn(e));
    examples.slice(0, 40).forEach((e) => never.learn(e));
    for (const e of [...forgotten].reverse()) expect(a.unlearn(e)).toBe(true);
    const probe = makeContext(rng);
    const sa = score(a, probe, ACTIONS);
    const sn = score(never, probe, ACTIONS);
    for (let k = 0; k < 3; k++) {
      expect(sa.mean[k]).toBeCloseTo(sn.mean[k]!, 8);
      expect(sa.width[k]).toBeCloseTo(sn.width[k]!, 8);
    }
    const restored = restoreLearner(a.snapshot()) as BayesSharedLearner;
    const sr = score(restored, probe, ACTIONS);
    for (let k = 0; k < 3; k++) expect(sr.mean[k]).toBe(sa.mean[k]);
  });

  it('pairs only the action features named in `pairs` with the context', () => {
    const rng = new SeededRandom(6);
    const learner = new BayesSharedLearner({ ...CONFIG, pairs: ['channel'] });
    const toned = ACTIONS.map((a) => ({ id: a.id, features: { numeric: {}, categorical: { ...a.features.categorical, tone: 'warm' } } }));
    for (let t = 0; t < 20; t++) learner.learn({ context: makeContext(rng), action: toned[t % 3]!, reward: 1 });
    const names = (learner.snapshot().state as { jointBases: [string, number, number][] }).jointBases.map(([name]) => name);
    expect(names).toContain('c:seg=a*a:channel=email');
    expect(names).toContain('a:tone=warm');
    expect(names.filter((n) => n.includes('*a:tone'))).toEqual([]);
  });

  it('a match feature carries "same category as the context" over to categories never seen', () => {
    const matches = [{ context: 'category', action: 'category' }];
    const item = (category: string): ActionRef => ({ id: `msg_${category}`, features: { numeric: {}, categorical: { category } } });
    const train = (learner: BayesSharedLearner): void => {
      const rng = new SeededRandom(7);
      const seen = ['shoes', 'coats', 'bags'];
      for (let t = 0; t < 400; t++) {
        const inCart = seen[Math.floor(rng.next() * 3)]!;
        const offered = seen[Math.floor(rng.next() * 3)]!;
        const reward = (offered === inCart ? 1 : 0) + 0.05 * gaussian(rng);
        learner.learn({ context: { numeric: {}, categorical: { category: inCart } }, action: item(offered), reward });
      }
    };
    const withMatch = new BayesSharedLearner({ ...CONFIG, pairs: ['category'], matches });
    const without = new BayesSharedLearner({ ...CONFIG, pairs: ['category'] });
    train(withMatch);
    train(without);
    // "hats" and "belts" never appeared, in the context nor as a candidate.
    const probe = { numeric: {}, categorical: { category: 'hats' } };
    const fresh = [item('hats'), item('belts')];
    const m = score(withMatch, probe, fresh);
    expect(m.mean[0]! - m.mean[1]!).toBeGreaterThan(0.5);
    const n = score(without, probe, fresh);
    expect(Math.abs(n.mean[0]! - n.mean[1]!)).toBeLessThan(0.05);
  });

  it('restores matches and pairs from a snapshot', () => {
    const learner = createLearner({ kind: 'bayes-shared', pairs: ['category'], matches: [{ context: 'category', action: 'category' }] });
    learner.learn({ context: { numeric: {}, categorical: { category: 'a' } }, action: { id: 'x', features: { numeric: {}, categorical: { category: 'a' } } }, reward: 1 });
    const restored = restoreLearner(JSON.parse(JSON.stringify(learner.snapshot()))) as BayesSharedLearner;
    expect(restored.config.matches).toEqual([{ context: 'category', action: 'category' }]);
    expect(restored.config.pairs).toEqual(['category']);
    expect(restored.weightOf('m:category~category')).toBe((learner as BayesSharedLearner).weightOf('m:category~category'));
    expect(restored.weightOf('m:category~category')).toBeGreaterThan(0);
  });
});
