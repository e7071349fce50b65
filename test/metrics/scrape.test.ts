import { beforeAll, describe, expect, it } from 'vitest';
import { policiesFileSchema } from '../../src/policies/policy-config.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { grpcError } from '../support/grpc-client.js';
import { parsePromText, sumSeries } from '../support/prom-text.js';
import { serveSuite } from '../support/served.js';

const DECIDE = 'tact.v1.DecisionService/Decide';
const REWARD = 'tact.v1.DecisionService/Reward';

describe('/metrics after Decide and Reward calls', () => {
  // A 50% holdout so both groups of the live uplift gauge fill up.
  const server = serveSuite({ seed: 11 }, () => ({
    policies: PolicySet.fromConfig(policiesFileSchema.parse({ policies: [{ name: 'shop', holdout: 0.5 }] })),
  }));
  let base: string;

  beforeAll(() => {
    base = `http://127.0.0.1:${server.running.metricsServer.port}`;
  });

  it('counts decisions, rewards, learner updates and RPCs by status code', async () => {
    const decisions = [];
    for (let i = 0; i < 20; i++) {
      decisions.push(
        await server.client.decide({
          customer_id: `c-${i}`,
          trigger: 'cart_abandoned',
          candidates: [
            { id: 'a', channel: 'email' },
            { id: 'b', channel: 'sms' },
          ],
        }),
      );
    }
    const treated = decisions.filter((d) => !d.holdout);
    const holdout = decisions.filter((d) => d.holdout);
    expect(treated.length).toBeGreaterThan(0);
    expect(holdout.length).toBeGreaterThan(0);
    for (const d of decisions) await server.client.reward({ decision_id: d.decision_id, value: d.holdout ? 1 : 3, event_id: 'e' });
    await server.client.reward({ decision_id: decisions[0]!.decision_id, value: 1, event_id: 'e' }); // duplicate
    const bogus = decisions[0]!.decision_id.replace(/\.[0-9a-f]+$/, '.0123456789abcdef');
    await grpcError(server.client.reward({ decision_id: bogus, value: 1 })); // unknown
    await grpcError(server.client.decide({ customer_id: '', trigger: 'x' })); // INVALID_ARGUMENT

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const s = parsePromText(text);

    expect(sumSeries(s, 'tact_decisions_total', { policy: 'shop' })).toBe(20);
    expect(sumSeries(s, 'tact_decisions_total', { channel: 'none' })).toBe(holdout.length);
    expect(sumSeries(s, 'tact_holdout_decisions_total', { policy: 'shop' })).toBe(holdout.length);
    expect(sumSeries(s, 'tact_decide_duration_seconds_count', { policy: 'shop' })).toBe(20);
    // Sub-millisecond buckets exist.
    expect(text).toContain('tact_decide_duration_seconds_bucket{le="0.00005",policy="shop"}');
    expect(sumSeries(s, 'tact_rewards_total', { status: 'joined' })).toBe(20);
    expect(sumSeries(s, 'tact_rewards_total', { status: 'duplicate' })).toBe(1);
    expect(sumSeries(s, 'tact_rewards_total', { status: 'unknown' })).toBe(1);
    expect(sumSeries(s, 'tact_reward_value', { policy: 'shop', group: 'treated' })).toBe(3 * treated.length);
    expect(sumSeries(s, 'tact_reward_join_delay_seconds_count', { policy: 'shop' })).toBe(20);
    // Holdout rewards are measured, never learned from.
    expect(sumSeries(s, 'tact_learner_updates_total', { policy: 'shop', kind: 'learn' })).toBe(treated.length);
    expect(sumSeries(s, 'tact_model_version', { policy: 'shop' })).toBe(treated.length);
    expect(sumSeries(s, 'tact_policy_value', { policy: 'shop', group: 'treated' })).toBeCloseTo(3, 9);
    expect(sumSeries(s, 'tact_policy_value', { policy: 'shop', group: 'holdout' })).toBeCloseTo(1, 9);
    expect(sumSeries(s, 'tact_policy_uplift', { policy: 'shop' })).toBeCloseTo(2, 9);
    expect(sumSeries(s, 'tact_trigger_uplift', { trigger: 'cart_abandoned' })).toBeCloseTo(2, 9);
    expect(sumSeries(s, 'tact_decisions_held')).toBe(20);

    expect(sumSeries(s, 'tact_grpc_server_handled_total', { method: DECIDE, code: 'OK' })).toBe(20);
    expect(sumSeries(s, 'tact_grpc_server_handled_total', { method: DECIDE, code: 'INVALID_ARGUMENT' })).toBe(1);
    expect(sumSeries(s, 'tact_grpc_server_handled_total', { method: REWARD, code: 'OK' })).toBe(21);
    expect(sumSeries(s, 'tact_grpc_server_handled_total', { method: REWARD, code: 'NOT_FOUND' })).toBe(1);
    expect(sumSeries(s, 'tact_grpc_server_handling_seconds_count', { method: DECIDE })).toBe(21);
    // Default process and Node metrics, under the same prefix.
    expect(s.has('tact_process_cpu_user_seconds_total')).toBe(true);
    expect(text).toContain('tact_nodejs_heap_size_used_bytes');
    // Bounded labels only: no customer or decision id anywhere.
    expect(text).not.toMatch(/c-1[0-9]?"/);
    expect(text).not.toContain(decisions[0]!.decision_id);
  });

  it('answers /healthz and 404 elsewhere', async () => {
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe('/metrics on the memory store\'s bounds', () => {
  const server = serveSuite({ memoryMaxDecisions: 3, memoryMaxCustomers: 2 });

  it('counts decisions closed early and customers evicted by the caps', async () => {
    for (let i = 0; i < 5; i++) {
      await server.client.decide({ customer_id: `cap-${i}`, trigger: 'cart_abandoned', candidates: [{ id: 'a', channel: 'email' }] });
    }
    const s = parsePromText(await (await fetch(`http://127.0.0.1:${server.running.metricsServer.port}/metrics`)).text());
    expect(sumSeries(s, 'tact_decisions_held')).toBe(3);
    expect(sumSeries(s, 'tact_store_evictions_total', { kind: 'decision' })).toBe(2);
    expect(sumSeries(s, 'tact_store_evictions_total', { kind: 'customer' })).toBe(3);
    expect(sumSeries(s, 'tact_store_evictions_total', { kind: 'ledger' })).toBe(0);
  });
});
