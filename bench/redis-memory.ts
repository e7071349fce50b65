/**
 * Redis memory per million customers: profiles, consent, counters (sends,
 * ignored, cart, purchases), held decisions and the learning ledger, written
 * through RedisStore into a scratch redis-server and measured with INFO
 * memory after each stage, then extrapolated linearly.
 *
 *   npx tsx bench/redis-memory.ts [customers=100000]
 *
 * Writes bench/results/redis-memory.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { RedisClient } from '../src/store/redis/client.js';
import { REPO_ROOT } from '../src/core/paths.js';
import type { Decision } from '../src/domain/decision.js';
import { RedisStore } from '../src/store/redis/redis-store.js';
import type { DecisionRecord } from '../src/store/store.js';

const N = Number(process.argv[2] ?? 100_000);
const CONCURRENCY = 256;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function usedMemory(redis: RedisClient): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function forEachCustomer(work: (i: number, id: string) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        await work(i, `cust-${i.toString().padStart(8, '0')}`);
      }
    }),
  );
}

async function main(): Promise<void> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  await new Promise((r) => setTimeout(r, 300));
  const store = await RedisStore.connect({ url, prefix: 'tact' });
  const redis = store.connection;
  const now = Date.now();
  const rows: Array<{ stage: string; bytes: number }> = [];
  let last = await usedMemory(redis);
  const stage = async (name: string, work: (i: number, id: string) => Promise<unknown>) => {
    const t = Date.now();
    await forEachCustomer(work);
    const used = await usedMemory(redis);
    rows.push({ stage: name, bytes: used - last });
    process.stdout.write(`${name}: ${((used - last) / N).toFixed(0)} B/customer (${Date.now() - t} ms)\n`);
    last = used;
  };

  await stage('profile (6 attributes)', (i, id) =>
    store.recordEvent(id, {
      type: 'profile_update',
      at: now,
      attributes: { numeric: { age: 20 + (i % 60), ltv: i * 0.37, orders: i % 17 }, categorical: { segment: i % 3 ? 'new' : 'vip', city: `city-${i % 500}`, device: 'ios' } },
    }),
  );
  await stage('consent (3 channels, time zone)', (_i, id) =>
    store.setConsent(id, { channels: { email: true, sms: false, push: true }, timeZone: 'Europe/Berlin', preferredChannel: 'email' }),
  );
  await stage('counters (2 sends, 1 ignored, 1 cart line, 1 purchase)', async (i, id) => {
    await store.reserveSends(id, [
      { send: { channel: 'email', messageId: `msg-${i % 40}`, at: now - 86_400_000 }, caps: [] },
      { send: { channel: 'push', messageId: `msg-${(i + 1) % 40}`, at: now }, caps: [] },
    ]);
    await store.recordEvent(id, { type: 'message_ignored', at: now, messageId: `msg-${i % 40}` });
    await store.recordEvent(id, { type: 'cart_add', at: now, itemId: `sku-${i % 9000}`, category: 'shoes' });
    await store.recordEvent(id, { type: 'purchase', at: now - 3_600_000, itemId: `sku-${(i + 7) % 9000}`, category: 'outerwear' });
  });
  await stage('decision log (1 held decision, 1 choice, 8 context features)', (i, id) => {
    const decisionId = `${(now + 86_400_000).toString(36)}.${i.toString(16).padStart(16, '0')}`;
    const record: DecisionRecord = {
      decisionId,
      customerId: id,
      policy: 'default',
      at: now,
      expiresAt: now + 86_400_000,
      context: {
        numeric: { age: 20 + (i % 60), ltv: i * 0.37, orders: i % 17, basket_value: 120.5 },
        categorical: { segment: 'vip', city: `city-${i % 500}`, device: 'ios', trigger: 'cart_abandoned' },
      },
      choices: [{ actionId: 'cart_shoes:email:evening', channel: 'email', messageId: 'cart_shoes', cost: 0.001, probability: 0.42, features: { numeric: { discount: 0 }, categorical: { tone: 'friendly' } } }],
      holdout: false,
      learn: true,
      combine: 'sum',
    };
    const decision: Decision = {
      decisionId,
      customerId: id,
      policy: 'default',
      modelVersion: 'default@1234',
      at: now,
      choices: [{ actionId: 'cart_shoes:email:evening', messageId: 'cart_shoes', channel: 'email', probability: 0.42, score: 0.13, sendAt: now + 3_600_000, sendSlot: 'evening', noSend: false, explored: false }],
      removed: [],
      holdout: false,
    };
    return store.saveDecision(record, decision);
  });
  await stage('learning ledger (1 update)', (i, id) =>
    store.publish({
      policy: 'default',
      customerId: id,
      decisionId: `d-${i}`,
      context: { numeric: { age: 20 + (i % 60), basket_value: 120.5 }, categorical: { segment: 'vip', trigger: 'cart_abandoned' } },
      actionId: 'cart_shoes:email:evening',
      actionFeatures: { numeric: { discount: 0 }, categorical: { tone: 'friendly' } },
      reward: 0.999,
    }),
  );
  // The stream is trimmed behind snapshots in a fleet, so it is not per-customer state.
  const streamBytes = Number(await redis.call('MEMORY', 'USAGE', store.keys.updates(), 'SAMPLES', '0'));
  await store.close();
  server.kill('SIGTERM');
  // The stream grew in the ledger stage; report it apart, it is not kept per customer.
  const ledger = rows[rows.length - 1];
  if (ledger) ledger.bytes -= streamBytes;

  const perCustomer = rows.reduce((s, r) => s + r.bytes, 0) / N;
  const lines = [
    '# Redis memory per million customers',
    '',
    `Measured by \`npx tsx bench/redis-memory.ts ${N}\` on redis-server ${await redisVersion()} (jemalloc, 64-bit): ${N.toLocaleString('en')} customers`,
    'written through RedisStore, `INFO memory` used_memory after each stage, extrapolated linearly to 1,000,000.',
    '',
    '| state | bytes / customer | per 1M customers |',
    '|---|---:|---:|',
    ...rows.map((r) => `| ${r.stage} | ${(r.bytes / N).toFixed(0)} | ${mib(r.bytes / N)} |`),
    `| **total** | **${perCustomer.toFixed(0)}** | **${mib(perCustomer)}** |`,
    '',
    `Not in the total: the update stream held ${mib(streamBytes / N)} per million updates (MEMORY USAGE); in a fleet it is`,
    'trimmed behind each learner snapshot, so it scales with the update rate between snapshots, not with customers.',
    'The decision stage counts one decision held per customer; multiply by decisions per customer per attribution window.',
    '',
  ];
  mkdirSync(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench', 'results', 'redis-memory.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

function mib(bytesPerCustomer: number): string {
  return `${((bytesPerCustomer * 1_000_000) / 2 ** 20).toFixed(0)} MiB`;
}

async function redisVersion(): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('redis-server', ['--version']);
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('close', () => resolve(/v=([\d.]+)/.exec(out)?.[1] ?? 'unknown'));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
