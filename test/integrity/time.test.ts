import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcError } from '../support/grpc-client.js';
import { serveSuite } from '../support/served.js';

const DAY = 86_400_000;
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000) });
const EMAIL = [{ id: 'e', channel: 'email' }];

describe('no request time can rewrite history', () => {
  const server = serveSuite({ seed: 9 });

  it('rejects Decide and RecordEvent times beyond the skew into the future, accepts the past', async () => {
    const far = Date.UTC(9999, 0, 1);
    for (const p of [
      server.client.decide({ customer_id: 't1', trigger: 'cart_abandoned', at: ts(far) }),
      server.client.recordEvent({ customer_id: 't1', type: 'PURCHASE', item_id: 'x', at: ts(far) }),
      server.client.decide({ customer_id: 't1', trigger: 'cart_abandoned', at: ts(Date.now() + 3_600_000) }),
    ]) {
      const err = await grpcError(p);
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/^at: .*ahead of the server's clock/);
    }
    await server.client.recordEvent({ customer_id: 't1', type: 'PURCHASE', item_id: 'x', at: ts(Date.now() - 400 * DAY) });
    await server.client.decide({ customer_id: 't1', trigger: 'cart_abandoned', at: ts(Date.now() + 60_000) });
  });

  it('keeps the cap after an event dated in the year 9999', async () => {
    const now = Date.now();
    const first = await server.client.decide({ customer_id: 't2', trigger: 't', candidates: EMAIL, at: ts(now) });
    expect(first.choices[0]!.no_send).toBe(false);
    await grpcError(server.client.recordEvent({ customer_id: 't2', type: 'PURCHASE', item_id: 'x', at: ts(Date.UTC(9999, 0, 1)) }));
    const again = await server.client.decide({ customer_id: 't2', trigger: 't', candidates: EMAIL, at: ts(now + 1000) });
    expect(again.choices[0]!.no_send).toBe(true);
  });

  it('keeps the latest sends by time when a backfill overflows the history', async () => {
    const now = Date.now();
    await server.client.decide({ customer_id: 't3', trigger: 't', candidates: EMAIL, at: ts(now) });
    // 300 backdated sends on an uncapped channel within the retention: more than the 256 kept.
    for (let k = 1; k <= 300; k++) {
      await server.client.decide({ customer_id: 't3', trigger: 't', candidates: [{ id: 'w', channel: 'web' }], at: ts(now - k * 3_600_000) });
    }
    const again = await server.client.decide({ customer_id: 't3', trigger: 't', candidates: EMAIL, at: ts(now + 1000) });
    expect(again.choices[0]!.no_send).toBe(true);
  });
});
