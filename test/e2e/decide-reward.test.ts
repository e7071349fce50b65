import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { grpcError } from '../support/grpc-client.js';
import { serveSuite } from '../support/served.js';

describe('gRPC Decide/Reward end to end', () => {
  const server = serveSuite({ seed: 7 });

  it('decides from the catalog, then joins a reward and learns', async () => {
    const decision = await server.client.decide({ customer_id: 'c-1', trigger: 'cart_abandoned', context: { numeric: { basket_value: 120 } } });
    expect(decision.decision_id).toMatch(/\./);
    expect(decision.choices).toHaveLength(1);
    const choice = decision.choices[0]!;
    expect(choice.probability).toBeGreaterThan(0);
    expect(choice.probability).toBeLessThanOrEqual(1);
    expect(decision.model_version).toBe('default@0');

    const reward = await server.client.reward({ decision_id: decision.decision_id, value: 80, event_id: 'e-1' });
    expect(reward.status).toBe('JOINED');
    const again = await server.client.reward({ decision_id: decision.decision_id, value: 80, event_id: 'e-1' });
    expect(again.status).toBe('DUPLICATE');
    const next = await server.client.decide({ customer_id: 'c-2', trigger: 'cart_abandoned' });
    expect(next.model_version).toBe('default@1');
  });

  it('chooses among client candidates, top_k without two sends on one channel', async () => {
    // sms is an opt-in channel in the sample catalog: the contact rules apply to client candidates too.
    await server.client.setConsent({ customer_id: 'c-3', channels: { sms: true } });
    const decision = await server.client.decide({
      customer_id: 'c-3',
      trigger: 'anything',
      top_k: 3,
      // Midday UTC: push's quiet hours (22:00-08:00, drop) must not depend on when the test runs.
      at: { seconds: Date.UTC(2026, 0, 5, 12) / 1000 },
      candidates: [
        { id: 'a', channel: 'email' },
        { id: 'b', channel: 'email' },
        { id: 'c', channel: 'sms' },
        { id: 'd', channel: 'push' },
      ],
    });
    const channels = decision.choices.map((c) => c.channel);
    expect(decision.choices).toHaveLength(3);
    expect(new Set(channels).size).toBe(3);
  });

  it('returns the same decision for the same request_id', async () => {
    const req = { customer_id: 'c-4', trigger: 'cart_abandoned', request_id: 'req-42' };
    const a = await server.client.decide(req);
    const b = await server.client.decide(req);
    expect(b.decision_id).toBe(a.decision_id);
    expect(b.choices).toEqual(a.choices);
  });

  it("a request_id is matched only for its own customer: another customer's reuse gets a decision of its own", async () => {
    const first = await server.client.decide({ customer_id: 'victim', trigger: 'cart_abandoned', request_id: 'shared-id' });
    const stranger = await server.client.decide({ customer_id: 'stranger', trigger: 'cart_abandoned', request_id: 'shared-id' });
    expect(stranger.decision_id).not.toBe(first.decision_id);
    const again = await server.client.decide({ customer_id: 'victim', trigger: 'cart_abandoned', request_id: 'shared-id' });
    expect(again.decision_id).toBe(first.decision_id);
    const strangerAgain = await server.client.decide({ customer_id: 'stranger', trigger: 'cart_abandoned', request_id: 'shared-id' });
    expect(strangerAgain.decision_id).toBe(stranger.decision_id);
  });

  it.each([
    [{ customer_id: '', trigger: 'cart_abandoned' }, grpc.status.INVALID_ARGUMENT, 'customer_id'],
    [{ customer_id: 'c', trigger: 'cart_abandoned', context: { numeric: { x: NaN } } }, grpc.status.INVALID_ARGUMENT, 'context.numeric[x]'],
    [{ customer_id: 'c', trigger: 'cart_abandoned', context: { numeric: { x: Infinity } } }, grpc.status.INVALID_ARGUMENT, 'context.numeric[x]'],
    [{ customer_id: 'c', trigger: 'cart_abandoned', policy: 'nope' }, grpc.status.NOT_FOUND, 'policy'],
    [{ customer_id: 'c', trigger: 'no_such_trigger' }, grpc.status.NOT_FOUND, 'trigger'],
    [{ customer_id: 'c', trigger: 't', candidates: [{ id: 'x' }, { id: 'x' }] }, grpc.status.INVALID_ARGUMENT, 'candidates[1].id'],
    [
      { customer_id: 'c', trigger: 't', candidates: Array.from({ length: 2001 }, (_, i) => ({ id: `k${i}` })) },
      grpc.status.INVALID_ARGUMENT,
      'candidates',
    ],
  ])('rejects bad Decide input %#', async (req, code, field) => {
    const err = await grpcError(server.client.decide(req));
    expect(err.code).toBe(code);
    expect(err.details.startsWith(`${field}:`)).toBe(true);
  });

  it('rejects rewards for decisions never issued and bad values', async () => {
    const decision = await server.client.decide({ customer_id: 'c-5', trigger: 'cart_abandoned' });
    const bogus = decision.decision_id.replace(/\.[0-9a-f]+$/, '.0123456789abcdef');
    const notFound = await grpcError(server.client.reward({ decision_id: bogus, value: 1 }));
    expect(notFound.code).toBe(grpc.status.NOT_FOUND);
    expect(notFound.details).toMatch(/^decision_id:/);
    const malformed = await grpcError(server.client.reward({ decision_id: 'garbage', value: 1 }));
    expect(malformed.code).toBe(grpc.status.INVALID_ARGUMENT);
    const nan = await grpcError(server.client.reward({ decision_id: decision.decision_id, value: NaN }));
    expect(nan.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(nan.details).toMatch(/^value:/);
    const action = await grpcError(server.client.reward({ decision_id: decision.decision_id, action_id: 'nope', value: 1 }));
    expect(action.details).toMatch(/^action_id:/);
  });

  it('answers health checks with SERVING', async () => {
    const def = protoLoader.loadSync('health/v1/health.proto', {
      includeDirs: [new URL('../../node_modules/grpc-health-check/proto', import.meta.url).pathname],
      enums: String,
    });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
    };
    const health = new pkg.grpc.health.v1.Health(`127.0.0.1:${server.running.grpc.port}`, grpc.credentials.createInsecure());
    const res = await new Promise<{ status: string }>((resolve, reject) =>
      (health as unknown as { check: (req: object, cb: (err: Error | null, r: { status: string }) => void) => void }).check({ service: 'tact.v1.DecisionService' }, (err: Error | null, r: { status: string }) => (err ? reject(err) : resolve(r))),
    );
    health.close();
    expect(res.status).toBe('SERVING');
  });
});
