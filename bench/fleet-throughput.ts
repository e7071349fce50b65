/**
 * Decide and Decide+Reward through the engine in process, with state in
 * memory, in one Redis and in a 3-master Redis Cluster (both started here on
 * free ports, same machine, one run), sequentially and with 16 calls in
 * flight: throughput, p99, the Redis/memory ratios, and per call the Redis
 * commands (INFO commandstats, summed over every master) and the sequential
 * round trips (command batches sent within one event-loop turn, counted on
 * the store's command connection at 1 in flight).
 *   npx tsx bench/fleet-throughput.ts [--calls 3000] [--rounds 1]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Cluster, Redis } from 'ioredis';
import { configSchema } from '../src/config.js';
import type { DecideInput } from '../src/domain/decision.js';
import { createTact, type Tact } from '../src/main.js';
import type { RedisClient } from '../src/store/redis/client.js';
import { MemoryStore } from '../src/store/memory/memory-store.js';
import { BufferedStore } from '../src/store/redis/buffer.js';
import { RedisStore } from '../src/store/redis/redis-store.js';
import type { TactStore } from '../src/store/store.js';
import { measure as measureCalls, type Figures } from './throughput.js';
import { TestRedisCluster } from '../test/support/redis-cluster.js';
import { freePort } from '../test/support/free-port.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '1' } } });
const CALLS = Number(values.calls);
const ROUNDS = Number(values.rounds);
const IN_FLIGHT = 16;
const say = (s: string) => process.stderr.write(`${s}\n`);


interface StoreUnderTest {
  readonly name: string;
  readonly store: () => Promise<{ store: TactStore; client?: RedisClient }>;
}


const measure = (inFlight: number, op: (i: number) => Promise<void>) => measureCalls(CALLS, inFlight, op);

let run = 0;
/** A catalog Decide for a new customer, with a request id (as a retrying client sends). */
const input = (tag: string, i: number): DecideInput => ({
  customerId: `${tag}-${i}`,
  trigger: 'cart_abandoned',
  at: Date.now(),
  topK: 1,
  explain: false,
  requestId: `${tag}-r${i}`,
  context: { numeric: { basket: i % 50 }, categorical: { device: i % 2 ? 'ios' : 'web' } },
});
const decideOnce = (tact: Tact, tag: string) => async (i: number) => {
  await tact.engine.decide(input(tag, i));
};
const pairOnce = (tact: Tact, tag: string) => async (i: number) => {
  const d = await tact.engine.decide(input(tag, i));
  await tact.joiner.reward({ decisionId: d.decisionId, value: i % 4 === 0 ? 5 : 0, eventId: `e${i}` });
};

/** Commands served so far by kind (INFO commandstats over every master; commands inside scripts included). */
async function commands(client: RedisClient): Promise<Map<string, number>> {
  const nodes: Redis[] = client instanceof Cluster ? client.nodes('master') : [client];
  const n = new Map<string, number>();
  for (const node of nodes) {
    const info = await node.info('commandstats');
    for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const name = m[1] as string;
      if (!['info', 'xread', 'ping', 'cluster', 'select', 'client', 'readonly', 'script'].includes(name)) n.set(name, (n.get(name) ?? 0) + Number(m[2]));
    }
  }
  return n;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Commands per call by kind between two commandstats readings, most first. */
function perKind(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([name, n]) => [name, (n - (before.get(name) ?? 0)) / CALLS] as const)
    .filter(([, n]) => n >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n.toFixed(2)}`)
    .join(', ');
}

/**
 * Sequential round trips: commands the store sends within one event-loop
 * turn go out together and come back together, so each turn that sends
 * anything is one round trip (valid at 1 in flight, with nothing else running).
 */
function countRoundTrips(client: RedisClient): { trips: () => number; sent: () => number } {
  let trips = 0;
  let sent = 0;
  let open = false;
  const target = client as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const send = target.sendCommand.bind(client);
  target.sendCommand = (...args: unknown[]) => {
    sent++;
    if (!open) {
      open = true;
      trips++;
      setImmediate(() => (open = false));
    }
    return send(...args);
  };
  return { trips: () => trips, sent: () => sent };
}

interface Row {
  name: string;
  decide1: Figures;
  decide16: Figures;
  pair1: Figures;
  pair16: Figures;
  decideCommands?: number;
  pairCommands?: number;
  decideTrips?: number;
  pairTrips?: number;
  /** Commands the store's connection sent (what costs this process), per call. */
  decideSent?: number;
  pairSent?: number;
  decideKinds?: string;
  pairKinds?: string;
  /** This process's CPU (user + system, ms) per call at 16 in flight: the engine and the store's client, not Redis. */
  decideCpu: number;
  pairCpu: number;
}

async function bench(s: StoreUnderTest): Promise<Row> {
  say(`${s.name}...`);
  const { store, client } = await s.store();
  const tact = createTact(configSchema.parse({ logLevel: 'silent', seed: 5 }), { store });
  const tag = `r${run++}`;
  // Warm up (JIT, scripts loaded, node connections open).
  await measure(4, pairOnce(tact, `${tag}w`));
  const counter = client ? countRoundTrips(client) : { trips: () => 0, sent: () => 0 };
  const none = new Map<string, number>();
  const c0 = client ? await commands(client) : none;
  const [t0, s0] = [counter.trips(), counter.sent()];
  const decide1 = await measure(1, decideOnce(tact, `${tag}d1`));
  const [t1, s1] = [counter.trips(), counter.sent()];
  const c1 = client ? await commands(client) : none;
  const pair1 = await measure(1, pairOnce(tact, `${tag}p1`));
  const [t2, s2] = [counter.trips(), counter.sent()];
  const c2 = client ? await commands(client) : none;
  const cpu0 = process.cpuUsage();
  const decide16 = await measure(IN_FLIGHT, decideOnce(tact, `${tag}d16`));
  const cpu1 = process.cpuUsage();
  const pair16 = await measure(IN_FLIGHT, pairOnce(tact, `${tag}p16`));
  const cpu2 = process.cpuUsage();
  const ms = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1000 / CALLS;
  await tact.close();
  const row: Row = { name: s.name, decide1, decide16, pair1, pair16, decideCpu: ms(cpu0, cpu1), pairCpu: ms(cpu1, cpu2) };
  if (client) {
    row.decideCommands = (total(c1) - total(c0)) / CALLS;
    row.pairCommands = (total(c2) - total(c1)) / CALLS;
    row.decideTrips = (t1 - t0) / CALLS;
    row.pairTrips = (t2 - t1) / CALLS;
    row.decideSent = (s1 - s0) / CALLS;
    row.pairSent = (s2 - s1) / CALLS;
    row.decideKinds = perKind(c0, c1);
    row.pairKinds = perKind(c1, c2);
  }
  return row;
}

const dir = mkdtempSync(path.join(tmpdir(), 'tact-bench-'));
const port = await freePort();
const single = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 300));
const cluster = await TestRedisCluster.start();
const silent = pino({ level: 'silent' });
const redisStore = async (options: { url?: string; cluster?: string }) => {
  const inner = await RedisStore.connect({ ...options, prefix: 'bench', connectTimeoutMs: 10_000 });
  return { store: new BufferedStore(inner, silent), client: inner.connection };
};
try {
  const stores: StoreUnderTest[] = [
    { name: 'memory', store: async () => ({ store: new MemoryStore() }) },
    { name: 'one Redis', store: () => redisStore({ url: `redis://127.0.0.1:${port}` }) },
    { name: 'Redis Cluster (3 masters)', store: () => redisStore({ cluster: cluster.seeds }) },
  ];
  // Rounds visit the stores in a rotated order (the load of a shared machine changes within a minute).
  const byRound: Row[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const row: Row[] = [];
    for (let j = 0; j < stores.length; j++) {
      const i = (j + round) % stores.length;
      row[i] = await bench(stores[i] as StoreUnderTest);
    }
    byRound.push(row);
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const phases = ['decide1', 'decide16', 'pair1', 'pair16'] as const;
  const medianFigures = (rs: Row[], phase: (typeof phases)[number]): Figures => ({ perSecond: median(rs.map((r) => r[phase].perSecond)), p99: median(rs.map((r) => r[phase].p99)) });
  const rows: Row[] = stores.map((_, i) => {
    const rs = byRound.map((round) => round[i] as Row);
    const first = rs[0] as Row;
    return {
      ...first,
      decide1: medianFigures(rs, 'decide1'),
      decide16: medianFigures(rs, 'decide16'),
      pair1: medianFigures(rs, 'pair1'),
      pair16: medianFigures(rs, 'pair16'),
      decideCpu: median(rs.map((r) => r.decideCpu)),
      pairCpu: median(rs.map((r) => r.pairCpu)),
    };
  });
  /** Median of the per-round ratios at 16 in flight, and their range. */
  const ratioOf = (i: number, phase: 'decide16' | 'pair16') => {
    const xs = byRound.map((round) => (round[i] as Row)[phase].perSecond / (round[0] as Row)[phase].perSecond);
    const range = ROUNDS > 1 ? ` (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})` : '';
    return `${median(xs).toFixed(2)}x${range}`;
  };
  const f = (x: Figures) => `${x.perSecond.toFixed(0)}/s, p99 ${x.p99.toFixed(2)} ms`;
  const lines = [
    `# Decide and Decide+Reward: memory vs one Redis vs Redis Cluster (${new Date().toISOString()})`,
    '',
    `\`npx tsx bench/fleet-throughput.ts --calls ${CALLS} --rounds ${ROUNDS}\`: engine in process (no gRPC), catalog trigger cart_abandoned,`,
    'a new customer per call (rules, caps reservation and decision save on every Decide), Redis behind the',
    `outage buffer as in production; Redis servers started by the bench on this machine. ${ROUNDS === 1 ? 'One round.' : `${ROUNDS} rounds, each visiting the stores in a rotated order; figures are medians over rounds, ratios the median (and range) of the per-round ratios.`}`,
    `${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end.`,
    '',
    '| store | Decide, 1 in flight | Decide, 16 in flight | Decide+Reward, 1 in flight | Decide+Reward, 16 in flight | vs memory at 16 (Decide / pair) | client CPU per Decide / pair at 16 | commands sent per Decide / pair | commands run per Decide / pair | round trips per Decide / pair |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r, i) =>
        `| ${r.name} | ${f(r.decide1)} | ${f(r.decide16)} | ${f(r.pair1)} | ${f(r.pair16)} | ${ratioOf(i, 'decide16')} / ${ratioOf(i, 'pair16')} | ${r.decideCpu.toFixed(3)} / ${r.pairCpu.toFixed(3)} ms | ${r.decideSent?.toFixed(1) ?? '-'} / ${r.pairSent?.toFixed(1) ?? '-'} | ${r.decideCommands?.toFixed(1) ?? '-'} / ${r.pairCommands?.toFixed(1) ?? '-'} | ${r.decideTrips?.toFixed(2) ?? '-'} / ${r.pairTrips?.toFixed(2) ?? '-'} |`,
    ),
    '',
    'Client CPU: this process\'s user + system CPU per call at 16 in flight (median over rounds): the engine and the store\'s',
    'client, not Redis; less sensitive to the machine\'s other load than throughput. Commands sent: what the store\'s',
    'connection sends (each costs this process its ioredis work); commands run:',
    'INFO commandstats over every master, the commands scripts run included, by kind per call (1 in flight, first round):',
    '',
    ...rows.filter((r) => r.decideKinds !== undefined).flatMap((r) => [`- ${r.name}, Decide: ${r.decideKinds}`, `- ${r.name}, Decide+Reward: ${r.pairKinds}`]),
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(new URL('./results/fleet-throughput.md', import.meta.url), text);
} finally {
  await cluster.stop();
  single.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
