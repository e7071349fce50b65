import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { TestClient } from '../support/grpc-client.js';
import { openRewardStream } from '../support/reward-stream.js';

async function decisions(client: TestClient, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = await client.decide({ customer_id: `${tag}-${i}`, trigger: 't', candidates: [{ id: 'a' }, { id: 'b' }] });
    ids.push(d.decision_id);
  }
  return ids;
}

describe('RewardStream limits', () => {
  let idleServer: RunningTact;
  let capServer: RunningTact;
  let idleClient: TestClient;
  let capClient: TestClient;

  beforeAll(async () => {
    const base = { listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 3 };
    idleServer = await serve(configSchema.parse({ ...base, rewardStreamIdleMs: 300 }));
    capServer = await serve(configSchema.parse({ ...base, rewardStreamMax: 2 }));
    idleClient = new TestClient(`127.0.0.1:${idleServer.grpc.port}`);
    capClient = new TestClient(`127.0.0.1:${capServer.grpc.port}`);
  });
  afterAll(async () => {
    idleClient.close();
    capClient.close();
    await idleServer.stop();
    await capServer.stop();
  });

  it('a stream that goes quiet is ended by the server with the summary of what it took', async () => {
    const ids = await decisions(idleClient, 3, 'idle');
    const stream = openRewardStream(idleClient);
    for (const id of ids) stream.write({ decision_id: id, value: 1, event_id: 'e' });
    // The client never half-closes: only the idle timeout can answer this.
    const summary = await stream.result;
    expect(summary).toMatchObject({ received: 3, joined: 3, rejected: 0 });
    expect(summary.first_error).toMatch(/idle/);
    expect(idleServer.grpc.openRewardStreams()).toBe(0);
  });

  it('one stream more than the cap is refused with RESOURCE_EXHAUSTED; a closed one frees its place', async () => {
    const ids = await decisions(capClient, 2, 'cap');
    const a = openRewardStream(capClient);
    const b = openRewardStream(capClient);
    a.write({ decision_id: ids[0] as string, value: 1 });
    b.write({ decision_id: ids[1] as string, value: 1 });
    // Both are open once the server has read from them.
    await waitFor(() => capServer.grpc.openRewardStreams() === 2);
    const refused = openRewardStream(capClient);
    refused.end();
    await expect(refused.result).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/TACT_REWARD_STREAM_MAX/) });
    a.end();
    expect(await a.result).toMatchObject({ received: 1, joined: 1, first_error: '' });
    const c = openRewardStream(capClient);
    c.end();
    expect((await c.result).received).toBe(0);
    b.end();
    await b.result;
  });
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
