import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import type { DecisionObserver } from '../../src/decision/observer.js';
import { grpcError, TestClient } from '../support/grpc-client.js';

const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent' });

describe('server-side deadlines', () => {
  let running: RunningTact;
  let client: TestClient;
  let computed = 0;
  // The server's clock runs 10 s ahead: every client deadline under that has passed on arrival.
  let skewMs = 0;

  beforeAll(async () => {
    const observer: DecisionObserver = { onDecision: () => (computed += 1) };
    running = await serve(config, { clock: { now: () => Date.now() + skewMs }, decisionObserver: observer });
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('does not compute a Decide whose deadline has passed', async () => {
    skewMs = 10_000;
    const err = await grpcError(client.decide({ customer_id: 'c', trigger: 'cart_abandoned' }, 5_000));
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(computed).toBe(0);
    expect(await running.tact.store.countDecisions()).toBe(0);
  });

  it('computes it when the deadline is still ahead', async () => {
    skewMs = 0;
    await client.decide({ customer_id: 'c', trigger: 'cart_abandoned' }, 5_000);
    expect(computed).toBe(1);
  });
});
