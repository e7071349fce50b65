import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { runBuf } from '../support/buf.js';

// buf curl is a client nobody on the project wrote (Go, connect-go, protodesc): it
// links every descriptor the server reflects, so a missing import fails here.
describe('server reflection, as buf curl uses it', () => {
  let running: RunningTact;
  let base: string;
  const curl = (...args: string[]) => runBuf(['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args]);

  beforeAll(async () => {
    running = await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 3 }));
    base = `http://127.0.0.1:${running.grpc.port}`;
  });
  afterAll(async () => {
    await running.stop();
  });

  it('lists the services and every method, health included', async () => {
    const services = await curl('--list-services', base);
    expect(services.stderr).toBe('');
    expect(services.stdout.trim().split('\n').sort()).toEqual(['grpc.health.v1.Health', 'tact.v1.CampaignService', 'tact.v1.DecisionService', 'tact.v1.PolicyAdmin']);
    const methods = await curl('--list-methods', base);
    expect(methods.stderr).toBe('');
    expect(methods.stdout.trim().split('\n')).toEqual(
      expect.arrayContaining(['tact.v1.DecisionService/Decide', 'tact.v1.DecisionService/RewardStream', 'tact.v1.PolicyAdmin/Promote', 'grpc.health.v1.Health/Check']),
    );
  });

  it('calls Decide (Timestamp, maps, nested messages) and Reward through reflection alone', async () => {
    const decide = await curl(
      '-d',
      JSON.stringify({ customer_id: 'c-r1', trigger: 'cart_abandoned', at: '2026-01-05T12:00:00Z', context: { numeric: { basket_value: 42 } } }),
      `${base}/tact.v1.DecisionService/Decide`,
    );
    expect(decide.stderr).toBe('');
    const decision = JSON.parse(decide.stdout) as { decisionId: string; choices: { actionId: string; probability: number }[]; modelVersion: string };
    expect(decision.decisionId).toMatch(/\./);
    expect(decision.choices[0]!.probability).toBeGreaterThan(0);
    const reward = await curl('-d', JSON.stringify({ decision_id: decision.decisionId, value: 1, event_id: 'r-1' }), `${base}/tact.v1.DecisionService/Reward`);
    expect(JSON.parse(reward.stdout)).toEqual({ status: 'JOINED' });
    // proto3 `optional` (opt_out) and an enum by name (type) go through the reflected schema too.
    const consent = await curl('-d', JSON.stringify({ customer_id: 'c-r1', opt_out: false, channels: { sms: true } }), `${base}/tact.v1.DecisionService/SetConsent`);
    expect(consent.stderr).toBe('');
    const event = await curl('-d', JSON.stringify({ customer_id: 'c-r1', type: 'CART_ADD', item_id: 'coat' }), `${base}/tact.v1.DecisionService/RecordEvent`);
    expect(event.stderr).toBe('');
  });

  it('answers the health check through reflection', async () => {
    const health = await curl('-d', '{"service":"tact.v1.DecisionService"}', `${base}/grpc.health.v1.Health/Check`);
    expect(JSON.parse(health.stdout)).toEqual({ status: 'SERVING' });
  });
});
