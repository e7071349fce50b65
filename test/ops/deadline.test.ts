import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { DecisionObserver } from '../../src/decision/observer.js';
import { grpcError } from '../support/grpc-client.js';
import { serveSuite } from '../support/served.js';

describe('server-side deadlines', () => {
  let computed = 0;
  // The server's clock runs 10 s ahead: every client deadline under that has passed on arrival.
  let skewMs = 0;
  const observer: DecisionObserver = { onDecision: () => (computed += 1) };
  const server = serveSuite({}, () => ({ clock: { now: () => Date.now() + skewMs }, decisionObserver: observer }));

  it('does not compute a Decide whose deadline has passed', async () => {
    skewMs = 10_000;
    const err = await grpcError(server.client.decide({ customer_id: 'c', trigger: 'cart_abandoned' }, 5_000));
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(computed).toBe(0);
    expect(await server.running.tact.store.countDecisions()).toBe(0);
  });

  it('computes it when the deadline is still ahead', async () => {
    skewMs = 0;
    await server.client.decide({ customer_id: 'c', trigger: 'cart_abandoned' }, 5_000);
    expect(computed).toBe(1);
  });
});
