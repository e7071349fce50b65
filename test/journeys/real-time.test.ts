import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { secretKey, verify } from '../../src/delivery/signature.js';
import { TestClient } from '../support/grpc-client.js';
import { JOURNEY_CATALOG, SECRET } from './harness.js';

interface Hook {
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

/** A real webhook receiver: answers from a script (then 200) and records what came. */
async function receiver(): Promise<{ server: Server; url: string; hooks: Hook[]; script: number[]; next(n: number): Promise<void> }> {
  const hooks: Hook[] = [];
  const script: number[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const status = script.shift() ?? 200;
      hooks.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
      for (const w of waiters.filter((w) => hooks.length >= w.n)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/hooks`,
    hooks,
    script,
    next: (n) => (hooks.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

const data = (h: Hook) => (JSON.parse(h.body) as { data: Record<string, unknown> }).data;

describe('journeys on real time, over gRPC and HTTP', () => {
  let running: RunningTact;
  let client: TestClient;
  let hooks: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    hooks = await receiver();
    const dir = mkdtempSync(path.join(tmpdir(), 'tact-journeys-'));
    const catalog = path.join(dir, 'catalog.yaml');
    // 0.01 minutes: the cart timer is due 600 ms after the event.
    writeFileSync(catalog, JOURNEY_CATALOG.replace('after_minutes: 30\n', 'after_minutes: 0.01\n'));
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      metricsListen: '127.0.0.1:0',
      logLevel: 'silent',
      seed: 9,
      catalog,
      webhookUrl: hooks.url,
      webhookSecret: SECRET,
      deliveryBackoffMs: 20,
    });
    running = await serve(config);
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
    hooks.server.close();
  });

  it('CART_ADD, then a signed webhook after 500, 500, 200 with one webhook-id; Reward and MESSAGE_OPENED join its decision', async () => {
    hooks.script.push(500, 500);
    await client.recordEvent({ customer_id: 'rt-1', type: 'CART_ADD', item_id: 'sneaker-1', category: 'shoes' });
    await hooks.next(3);
    expect(hooks.hooks.map((h) => h.status)).toEqual([500, 500, 200]);
    const ids = new Set(hooks.hooks.map((h) => h.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const ok = hooks.hooks[2]!;
    const key = secretKey(SECRET);
    expect(verify(key, String(ok.headers['webhook-id']), Number(ok.headers['webhook-timestamp']), ok.body, String(ok.headers['webhook-signature']))).toBe(true);
    expect(data(ok)).toMatchObject({ customer_id: 'rt-1', trigger: 'cart_abandoned', channel: 'email', message_id: 'cart_reminder' });
    const decisionId = String(data(ok)['decision_id']);
    expect((await client.reward({ decision_id: decisionId, value: 90 })).status).toBe('JOINED');
    await client.recordEvent({ customer_id: 'rt-1', type: 'MESSAGE_OPENED', decision_id: decisionId });
    const scrape = await running.metrics.scrape();
    expect(scrape).toMatch(/tact_receipts_total\{event="opened",status="joined"\} 1/);
    expect(scrape).toMatch(/tact_triggers_fired_total\{trigger="cart_abandoned"\} 1/);
    expect(scrape).toMatch(/tact_delivery_attempts_total\{channel="email",result="failed"\} 2/);
    expect(scrape).toMatch(/tact_deliveries_total\{channel="email",outcome="sent",reason=""\} 1/);
  });

  it('Decide with deliver=true hands the send to the webhook', async () => {
    const before = hooks.hooks.length;
    const decision = await client.decide({ customer_id: 'rt-2', trigger: 'order_shipped', deliver: true });
    await hooks.next(before + 1);
    expect(data(hooks.hooks[before]!)).toMatchObject({ decision_id: decision.decision_id, customer_id: 'rt-2', trigger: 'order_shipped' });
  });
});
