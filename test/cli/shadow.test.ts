import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import type { DecisionLine } from '../../src/decision/log-entry.js';
import { MemoryLogSink } from '../../src/decision/log-sinks.js';
import { createTact } from '../../src/main.js';
import { parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { ACTIONS, CLICK, playWorld, type SEGMENTS } from './world-log.js';

const POLICIES = `default: champion
policies:
  - name: champion
    exploration: { kind: epsilon-greedy, epsilon: 0.5 }
    reward: { windowSeconds: 10 }
  - name: apprentice
    shadow: true
    exploration: { kind: epsilon-greedy, epsilon: 0.1 }
    reward: { windowSeconds: 10 }
`;

/** Runs a simulated stream against the engine; returns the shadow's realised true value and its live estimate. */
async function simulate(rounds: number, seed: number) {
  const clock = new ManualClock();
  const log = new MemoryLogSink();
  const policies = PolicySet.fromConfig(parsePolicies(POLICIES, 'test'));
  const tact = createTact(configSchema.parse({ logLevel: 'silent' }), { clock, log, policies, seed, newId: counter() });
  const segmentOf = new Map<string, (typeof SEGMENTS)[number]>();
  await playWorld(tact, clock, rounds, seed, (d, segment) => segmentOf.set(d.decisionId, segment));
  clock.advance(20_000);
  await tact.joiner.sweep();
  // The shadow's true value: the world's click rate under its own logged PMF, per champion decision.
  let truth = 0;
  let n = 0;
  for (const line of log.lines) {
    if (line.type !== 'decision' || line.mode !== 'shadow') continue;
    const seg = segmentOf.get(line.decisionId)!;
    truth += (line as DecisionLine).candidates.reduce((s, c) => s + c.probability * CLICK[seg][ACTIONS.indexOf(c.id as (typeof ACTIONS)[number])]!, 0);
    n++;
  }
  const estimate = policies.get('apprentice').liveEstimate()!;
  await tact.close();
  return { truth: truth / n, shadowLines: n, estimate, log, policies };
}

function counter() {
  let i = 0;
  return () => (i++).toString(16).padStart(16, '0');
}

describe('shadow (apprentice) policies', () => {
  it('log a shadow line per champion decision and estimate the shadow value within tolerance', async () => {
    const { truth, shadowLines, estimate, log } = await simulate(6000, 5);
    expect(shadowLines).toBe(6000);
    const shadow = log.lines.find((l) => l.type === 'decision' && l.mode === 'shadow') as DecisionLine;
    expect(shadow.policy).toBe('apprentice');
    expect(estimate.rounds).toBe(6000);
    // The apprentice learns from the champion's rewards and ends far better than the half-random champion.
    expect(truth).toBeGreaterThan(estimate.championMean + 0.1);
    expect(Math.abs(estimate.snips - truth)).toBeLessThan(0.03);
    expect(estimate.snipsLow).toBeLessThan(truth);
    expect(estimate.snipsHigh).toBeGreaterThan(truth);
    expect(Math.abs(estimate.ips - truth)).toBeLessThan(0.04);
  });

  it('covers the true value at about the nominal rate over seeds', async () => {
    let covered = 0;
    const seeds = 12;
    for (let s = 0; s < seeds; s++) {
      const { truth, estimate } = await simulate(1500, 100 + s);
      if (estimate.snipsLow <= truth && truth <= estimate.snipsHigh) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(9);
  });

  it('only the champion is shadowed, and a promoted shadow stops shadowing', async () => {
    const policies = PolicySet.fromConfig(parsePolicies(POLICIES, 'test'));
    expect(policies.shadowsOf(policies.get()).map((p) => p.name)).toEqual(['apprentice']);
    expect(policies.shadowsOf(policies.get('apprentice'))).toEqual([]);
    policies.promote('apprentice');
    expect(policies.shadowsOf(policies.get())).toEqual([]);
    expect(policies.rollback()).toEqual({ previous: 'apprentice', current: 'champion' });
    expect(() => policies.rollback()).toThrow(/no earlier champion/);
  });
});
