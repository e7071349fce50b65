import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { allFinite } from '../../src/policies/learner-guard.js';
import { grpcError } from '../support/grpc-client.js';
import { parsePromText, sumSeries } from '../support/prom-text.js';
import { serveSuite } from '../support/served.js';

const CANDIDATES = [
  { id: 'a', channel: 'email' },
  { id: 'b', channel: 'push' },
];

describe('poisoning the learner over gRPC (memory mode)', () => {
  let n = 0;
  const server = serveSuite({ seed: 3 });

  const decide = (x: number) => server.client.decide({ customer_id: `p-${n++}`, trigger: 't', context: { numeric: { x } }, candidates: CANDIDATES });

  async function learnNormally(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const d = await decide(1 + (i % 10));
      await server.client.reward({ decision_id: d.decision_id, value: d.choices[0]!.action_id === 'a' ? 1 : 0 });
    }
  }

  function expectSound(scores: number[]): void {
    for (const s of scores) expect(Number.isFinite(s)).toBe(true);
    for (const p of server.running.tact.policies.all()) expect(allFinite(p.learner.snapshot().state)).toBe(true);
  }

  it('rejects a numeric feature beyond the policy bounds, naming the field', async () => {
    await learnNormally(10);
    const err = await grpcError(decide(1e155));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/^context\.numeric\[x\]: /);
    expectSound((await decide(5)).choices.map((c) => c.score));
  });

  it('rejects rewards beyond the bounds before joining them (a corrected retry joins)', async () => {
    const d = await decide(3);
    for (const value of [1e308, 1e12, -1e12]) {
      const err = await grpcError(server.client.reward({ decision_id: d.decision_id, value, event_id: 'e' }));
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/^value: /);
    }
    expect((await server.client.reward({ decision_id: d.decision_id, value: 2, event_id: 'e' })).status).toBe('JOINED');
  });

  it('clips a sum of rewards beyond the bound when it is learned, and counts it', async () => {
    const d = await decide(4);
    for (const e of ['e1', 'e2']) expect((await server.client.reward({ decision_id: d.decision_id, value: 1e6, event_id: e })).status).toBe('JOINED');
    const scores = (await decide(4)).choices.map((c) => c.score);
    expectSound(scores);
    for (const s of scores) expect(Math.abs(s)).toBeLessThan(1e6);
    const s = parsePromText(await (await fetch(`http://127.0.0.1:${server.running.metricsServer.port}/metrics`)).text());
    expect(sumSeries(s, 'tact_learner_guard_total', { event: 'clipped_reward' })).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(sumSeries(s, 'tact_policy_value', { group: 'treated' }))).toBe(true);
  });

  it('stays finite after one large in-bounds feature value', async () => {
    const d = await decide(1e8);
    await server.client.reward({ decision_id: d.decision_id, value: 1 });
    await learnNormally(20);
    expectSound((await decide(5)).choices.map((c) => c.score));
  });

  it('rolls back a learner found non-finite when it next decides', async () => {
    const policy = server.running.tact.policies.get();
    // A bug (not a request) poisons the live learner behind the guard's back.
    const poison = { context: { numeric: { x: 1 }, categorical: {} }, action: { id: 'a', features: { numeric: {}, categorical: {} } }, reward: Number.NaN };
    policy.learner.learn(poison);
    expect(allFinite(policy.learner.snapshot().state)).toBe(false);
    expectSound((await decide(5)).choices.map((c) => c.score));
    const s = parsePromText(await (await fetch(`http://127.0.0.1:${server.running.metricsServer.port}/metrics`)).text());
    expect(sumSeries(s, 'tact_learner_guard_total', { event: 'rollback' })).toBe(1);
  });
});
