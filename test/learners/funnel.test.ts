import { describe, expect, it } from 'vitest';
import { gaussian, SeededRandom } from '../../src/core/random.js';
import type { Features } from '../../src/domain/features.js';
import { BayesHybridLearner } from '../../src/learners/bayes-hybrid.js';
import { FunnelLearner } from '../../src/learners/funnel.js';
import type { ActionRef, Learner, LearningExample } from '../../src/learners/learner.js';
import { createLearner, restoreLearner } from '../../src/learners/registry.js';
import { policyConfigSchema } from '../../src/policies/policy-config.js';
import { Policy } from '../../src/policies/policy-set.js';
import type { LearningUpdate } from '../../src/store/store.js';

/** Catalog-like sends and the catalog's no-send (channel "none"). */
const ACTIONS: ActionRef[] = [
  ...['email', 'sms'].flatMap((channel) =>
    ['shoes', 'coats'].map((category) => ({ id: `${category}:${channel}`, features: { numeric: { discount: 0.1 }, categorical: { channel, category } } })),
  ),
  { id: 'no_send', features: { numeric: {}, categorical: { channel: 'none' } } },
];
const NO_SEND = ACTIONS[4]!;

function context(rng: SeededRandom): Features {
  return {
    numeric: { basket: 200 * rng.next() },
    categorical: { prefers: rng.next() < 0.5 ? 'sms' : 'email', likes: rng.next() < 0.5 ? 'shoes' : 'coats' },
  };
}

/**
 * The world of the funnel: the channel the customer prefers is opened (80%
 * against 10%), and an open sells what the customer likes (value 10, else
 * 1); no-send earns a little (0.5). Each example is a window's close: the
 * whole outcome with whether the send was opened.
 */
function closes(n: number, seed: number): LearningExample[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const ctx = context(rng);
    const action = ACTIONS[Math.floor(rng.next() * ACTIONS.length)]!;
    if (action === NO_SEND) return { context: ctx, action, reward: 0.5 + 0.1 * gaussian(rng), funnel: { engaged: false } };
    const opened = rng.next() < (action.features.categorical['channel'] === ctx.categorical['prefers'] ? 0.8 : 0.1);
    const value = opened ? (action.features.categorical['category'] === ctx.categorical['likes'] ? 10 : 1) : 0;
    return { context: ctx, action, reward: value + 0.1 * gaussian(rng), funnel: { engaged: opened } };
  });
}

/** The same outcomes as rewards are joined: no funnel evidence. */
const plainOf = (e: LearningExample): LearningExample => {
  const { funnel: _, ...rest } = e;
  return rest;
};

function score(learner: Learner, ctx: Features, actions: readonly ActionRef[] = ACTIONS) {
  const mean = new Float64Array(actions.length);
  const width = new Float64Array(actions.length);
  learner.score(learner.prepare(ctx), actions, { mean, width });
  return { mean, width };
}

const PROBE: Features = { numeric: { basket: 120 }, categorical: { prefers: 'sms', likes: 'coats' } };

describe('FunnelLearner', () => {
  it('scores exactly as the plain default learner until enough engaged sends are learned', () => {
    const funnel = new FunnelLearner({ minEngaged: 50 });
    const plain = new BayesHybridLearner({});
    const data = closes(400, 1);
    let engaged = 0;
    for (const e of data) {
      funnel.learn(plainOf(e));
      plain.learn(plainOf(e));
      if (engaged + (e.funnel?.engaged ? 1 : 0) >= 50) break;
      funnel.learn(e);
      engaged += e.funnel?.engaged ? 1 : 0;
    }
    expect(funnel.inUse).toBe(false);
    const f = score(funnel, PROBE);
    const p = score(plain, PROBE);
    expect([...f.mean]).toEqual([...p.mean]);
    expect([...f.width]).toEqual([...p.width]);
  });

  it('once in use, scores P(open) x what an open earns + the rest, from its three models', () => {
    const funnel = new FunnelLearner({ minEngaged: 10 });
    const open = new BayesHybridLearner({});
    const engaged = new BayesHybridLearner({});
    const rest = new BayesHybridLearner({});
    for (const e of closes(600, 2)) {
      funnel.learn(e);
      if (e.action !== NO_SEND) open.learn({ ...plainOf(e), reward: e.funnel?.engaged ? 1 : 0 });
      (e.funnel?.engaged ? engaged : rest).learn(plainOf(e));
    }
    expect(funnel.inUse).toBe(true);
    const f = score(funnel, PROBE);
    const p = score(open, PROBE);
    const v1 = score(engaged, PROBE);
    const v0 = score(rest, PROBE);
    for (let k = 0; k < 4; k++) {
      const q = Math.min(1, Math.max(0, p.mean[k]!));
      expect(f.mean[k]).toBeCloseTo(v0.mean[k]! + q * (v1.mean[k]! - v0.mean[k]!), 12);
      expect(f.width[k]).toBeGreaterThan(0);
    }
    expect(f.mean[4]).toBe(v0.mean[4]);
    expect(f.width[4]).toBe(v0.width[4]);
    // What the product teaches: an sms (preferred, 80% opened) of coats (liked, 10 an open) ~ 8,
    // email of coats ~ 1, sms of shoes ~ 0.8: the best by far, which it ranks first.
    expect(f.mean[3]).toBeGreaterThan(6);
    expect(f.mean[3]! - Math.max(f.mean[0]!, f.mean[1]!, f.mean[2]!, f.mean[4]!)).toBeGreaterThan(4);
  });

  it('unlearns funnel evidence and rewards exactly, and restores from a snapshot', () => {
    const data = closes(300, 3);
    const a = createLearner({ kind: 'funnel', minEngaged: 5 });
    const never = createLearner({ kind: 'funnel', minEngaged: 5 });
    for (const e of data) {
      a.learn(e);
      a.learn(plainOf(e));
    }
    for (const e of data.slice(0, 200)) {
      never.learn(e);
      never.learn(plainOf(e));
    }
    for (const e of data.slice(200).reverse()) {
      expect(a.unlearn(plainOf(e))).toBe(true);
      expect(a.unlearn(e)).toBe(true);
    }
    const sa = score(a, PROBE);
    const sn = score(never, PROBE);
    for (let k = 0; k < ACTIONS.length; k++) {
      expect(sa.mean[k]).toBeCloseTo(sn.mean[k]!, 8);
      expect(sa.width[k]).toBeCloseTo(sn.width[k]!, 8);
    }
    const restored = restoreLearner(JSON.parse(JSON.stringify(a.snapshot())));
    expect(restored.kind).toBe('funnel');
    const sr = score(restored, PROBE);
    expect([...sr.mean]).toEqual([...sa.mean]);
    expect([...sr.width]).toEqual([...sa.width]);
  });

  it('is skipped by every learner that does not take funnel evidence (they learned the rewards as joined)', () => {
    const update = (e: LearningExample, i: number): LearningUpdate => ({
      policy: 'p',
      customerId: `c${i}`,
      decisionId: `d${i}`,
      context: e.context,
      actionId: e.action.id,
      actionFeatures: e.action.features,
      reward: e.reward,
      ...(e.funnel ? { funnel: e.funnel } : {}),
    });
    const config = policyConfigSchema.parse({ name: 'p' });
    const policy = new Policy(config, createLearner(config.learner));
    const data = closes(50, 4);
    const before = JSON.stringify(policy.learner.snapshot());
    data.forEach((e, i) => expect(policy.apply(update(e, i))).toBe(true));
    expect(JSON.stringify(policy.learner.snapshot())).toBe(before);
    data.forEach((e, i) => policy.apply(update(plainOf(e), i)));
    expect(policy.learner.updates).toBe(50);
  });
});
