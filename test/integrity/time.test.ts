import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { grpcError, TestClient } from '../support/grpc-client.js';

const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 9 });
const DAY = 86_400_000;
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000) });
const EMAIL = [{ id: 'e', channel: 'email' }];

describe('no request time can rewrite history', () => {
  let running: RunningTact;
  let client: TestClient;

  beforeAll(async () => {
    running = await serve(config);
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('rejects Decide and RecordEvent times beyond the skew into the future, accepts the past', async () => {
    const far = Date.UTC(9999, 0, 1);
    for (const p of [
      client.decide({ customer_id: 't1', trigger: 'cart_abandoned', at: ts(far) }),
      client.recordEvent({ customer_id: 't1', type: 'PURCHASE', item_id: 'x', at: ts(far) }),
      client.decide({ customer_id: 't1', trigger: 'cart_abandoned', at: ts(Date.now() + 3_600_000) }),
    ]) {
      const err = await grpcError(p);
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/^at: .*ahead of the server's clock/);
    }
    await client.recordEvent({ customer_id: 't1', type: 'PURCHASE', item_id: 'x', at: ts(Date.now() - 400 * DAY) });
    await client.decide({ customer_id: 't1', trigger: 'cart_abandoned', at: ts(Date.now() + 60_000) });
  });

  it('keeps the cap after an event dated in the year 9999', async () => {
    const now = Date.now();
    const first = await client.decide({ customer_id: 't2', trigger: 't', candidates: EMAIL, at: ts(now) });
    expect(first.choices[0]!.no_send).toBe(false);
    await grpcError(client.recordEvent({ customer_id: 't2', type: 'PURCHASE', item_id: 'x', at: ts(Date.UTC(9999, 0, 1)) }));
    const again = await client.decide({ customer_id: 't2', trigger: 't', candidates: EMAIL, at: ts(now + 1000) });
    expect(again.choices[0]!.no_send).toBe(true);
  });

  it('keeps the latest sends by time when a backfill overflows the history', async () => {
    const now = Date.now();
    await client.decide({ customer_id: 't3', trigger: 't', candidates: EMAIL, at: ts(now) });
    // 300 backdated sends on an uncapped channel within the retention: more than the 256 kept.
    for (let k = 1; k <= 300; k++) {
      await client.decide({ customer_id: 't3', trigger: 't', candidates: [{ id: 'w', channel: 'web' }], at: ts(now - k * 3_600_000) });
    }
    const again = await client.decide({ customer_id: 't3', trigger: 't', candidates: EMAIL, at: ts(now + 1000) });
    expect(again.choices[0]!.no_send).toBe(true);
  });
});
