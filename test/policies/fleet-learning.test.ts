import { describe, expect, it } from 'vitest';
import { parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import type { LearningUpdate } from '../../src/store/store.js';

const POLICIES = `
policies:
  - name: champion
  - name: challenger
    shadow: true
    learner: { kind: bayes-linear }
  - name: ab-arm
`;

function update(i: number, policy: string): LearningUpdate {
  return {
    policy,
    customerId: `c${i % 7}`,
    decisionId: `d${i}`,
    context: { numeric: { x: (i % 5) - 2 }, categorical: { device: i % 2 ? 'ios' : 'web' } },
    actionId: ['a', 'b', 'c'][i % 3] as string,
    actionFeatures: { numeric: {}, categorical: {} },
    reward: (i * 7919) % 3 === 0 ? 1 : 0,
  };
}

/** Every policy's learner state, for comparing two replicas. */
const states = (set: PolicySet) => Object.fromEntries(set.all().map((p) => [p.name, JSON.stringify(p.learner.snapshot())]));

describe('learning in a fleet does not depend on which policy a replica serves', () => {
  it('two replicas applying the same stream keep identical learners, though one promoted the shadow midway', () => {
    const a = PolicySet.fromConfig(parsePolicies(POLICIES, 'p.yaml'));
    const b = PolicySet.fromConfig(parsePolicies(POLICIES, 'p.yaml'));
    // The stream: mostly the champion's decisions, some of a policy clients name (an A/B arm),
    // and, once a replica serves it, the challenger's own.
    for (let i = 0; i < 600; i++) {
      if (i === 200) a.promote('challenger'); // an operator (or self-tuning) on replica a only
      const policy = i % 10 === 0 ? 'ab-arm' : i >= 200 && i % 2 === 0 ? 'challenger' : 'champion';
      a.apply(update(i, policy));
      b.apply(update(i, policy));
    }
    expect(a.defaultName).toBe('challenger');
    expect(b.defaultName).toBe('champion');
    expect(states(a)).toEqual(states(b));
    // The shadow learned from the served policies' rewards (not only its own).
    expect(a.get('challenger').learner.updates).toBe(600);
  });
});
