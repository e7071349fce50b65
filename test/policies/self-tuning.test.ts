import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogSink } from '../../src/decision/log-sinks.js';
import { createTact } from '../../src/main.js';
import { parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { SelfTuner } from '../../src/policies/self-tuning.js';
import type { LearningUpdate } from '../../src/store/store.js';
import { playWorld } from '../cli/world-log.js';

const TUNING = { minRounds: 500, minEss: 100, margin: 0, checkEvery: 100 };

/** A champion and two shadows, every one of them able to serve. */
const policiesYaml = (apprenticeEpsilon: number) => `default: champion
selfTuning: { minRounds: ${TUNING.minRounds}, minEss: ${TUNING.minEss}, checkEvery: ${TUNING.checkEvery} }
policies:
  - name: champion
    exploration: { kind: epsilon-greedy, epsilon: 0.5 }
    reward: { windowSeconds: 10 }
  - name: apprentice
    shadow: true
    exploration: { kind: epsilon-greedy, epsilon: ${apprenticeEpsilon} }
    reward: { windowSeconds: 10 }
`;

/** The shadow test's world (three segments, four actions, Bernoulli clicks) through the engine, on a fake clock. */
async function run(yaml: string, rounds: number, seed: number) {
  const clock = new ManualClock();
  const log = new MemoryLogSink();
  const policies = PolicySet.fromConfig(parsePolicies(yaml, 'test'));
  let id = 0;
  const tact = createTact(configSchema.parse({ logLevel: 'silent' }), { clock, log, policies, seed, newId: () => (id++).toString(16).padStart(16, '0') });
  const switches: string[] = [];
  tact.tuner?.onSwitch((s) => switches.push(`${s.previous}->${s.current}`));
  const servedBy = new Map<string, number>();
  await playWorld(tact, clock, rounds, seed, (d) => servedBy.set(d.policy, (servedBy.get(d.policy) ?? 0) + 1));
  await tact.close();
  return { switches, servedBy, policies };
}

describe('self-tuning', () => {
  it('promotes a shadow whose live interval clears the champion, once, and the new champion serves', async () => {
    const { switches, servedBy, policies } = await run(policiesYaml(0.05), 3000, 7);
    expect(switches).toEqual(['champion->apprentice']);
    expect(policies.defaultName).toBe('apprentice');
    expect(policies.history).toEqual(['champion']); // tact promote --rollback returns to it
    expect(servedBy.get('apprentice')).toBeGreaterThan(1000);
  });

  it('keeps the champion when the shadow is worse', async () => {
    const { switches, policies } = await run(policiesYaml(0.95), 3000, 7);
    expect(switches).toEqual([]);
    expect(policies.defaultName).toBe('champion');
  });

  it('is off without selfTuning in the policies file', async () => {
    const { switches, policies } = await run(policiesYaml(0.05).replace(/^selfTuning:.*\n/m, ''), 3000, 7);
    expect(switches).toEqual([]);
    expect(policies.defaultName).toBe('champion');
  });

  describe('the rule, on estimates made by hand', () => {
    /** A champion and a shadow whose live estimate has `n` rounds: weight w, reward r for the shadow's terms, the champion's reward r too. */
    function withEstimate(rows: readonly { w: number; r: number }[]) {
      const set = PolicySet.fromConfig(parsePolicies(policiesYaml(0.1), 'test'));
      const live = set.get('apprentice').live!;
      rows.forEach(({ w, r }, i) => {
        live.expect(`d${i}`, 'a0', w, 1e12, 0);
        live.observe({ policy: 'champion', decisionId: `d${i}`, actionId: 'a0', reward: r } as LearningUpdate);
      });
      return { set, tuner: new SelfTuner(set, TUNING), estimate: live.estimate() };
    }
    // Rewards 0/1; the shadow puts twice the champion's weight on rewarded choices (w = 1.5 vs 0.5).
    const better = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? { w: 1.5, r: 1 } : { w: 0.5, r: 0 }));

    it('switches when the low end clears the champion mean', () => {
      const { tuner, estimate, set } = withEstimate(better(600));
      expect(estimate.snipsLow).toBeGreaterThan(estimate.championMean);
      expect(tuner.check()?.current).toBe('apprentice');
      expect(set.defaultName).toBe('apprentice');
      // Estimates start afresh against the new champion.
      expect(set.get('apprentice').liveEstimate()!.rounds).toBe(0);
    });

    it('waits for minRounds, and for the effective sample size', () => {
      expect(withEstimate(better(400)).tuner.check()).toBeUndefined();
      // Enough rounds, but one decision carries nearly all the weight.
      const skewed = [...better(600).map((x) => ({ ...x, w: x.w / 1000 })), { w: 50, r: 1 }];
      const { tuner, estimate } = withEstimate(skewed);
      expect(estimate.ess).toBeLessThan(TUNING.minEss);
      expect(tuner.check()).toBeUndefined();
    });

    it('does not switch on a point estimate above the mean whose interval is not', () => {
      // Slightly better on average, too noisy to tell.
      const rows = Array.from({ length: 600 }, (_, i) => (i % 2 ? { w: 1.05, r: 1 } : { w: 0.95, r: 0 }));
      const { tuner, estimate } = withEstimate(rows);
      expect(estimate.snips).toBeGreaterThan(estimate.championMean);
      expect(estimate.snipsLow).toBeLessThan(estimate.championMean);
      expect(tuner.check()).toBeUndefined();
    });
  });
});
