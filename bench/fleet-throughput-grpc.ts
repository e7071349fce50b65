/**
 * Decide and Decide+Reward as clients see them: through a `tact serve`
 * child process over gRPC, with state in memory, in one Redis and in a
 * 3-master Redis Cluster (started here on free ports, same machine, one
 * run), sequentially and with 16 calls in flight; throughput, p99 and the
 * Redis/memory ratios. bench/fleet-throughput.ts measures the engine in
 * process, where nothing but the store differs; this one includes what a
 * call costs on the wire, which is what a fleet's capacity is planned on.
 *   npx tsx bench/fleet-throughput-grpc.ts [--calls 2000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TactClient } from '../src/client/index.js';
import { REPO_ROOT } from '../src/core/paths.js';
import { freePort } from '../test/support/free-port.js';
import { measure as measureCalls, type Figures } from './throughput.js';
import { TestRedisCluster } from '../test/support/redis-cluster.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000' } } });
const CALLS = Number(values.calls);
const IN_FLIGHT = 16;
const say = (s: string) => process.stderr.write(`${s}\n`);



async function startServer(storeFlags: string[]): Promise<{ child: ChildProcess; client: TactClient }> {
  const port = await freePort();
  const metrics = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${metrics}`, '--log-level', 'warn', ...storeFlags],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, REDIS_URL: '' } },
  );
  const client = new TactClient({ address: `127.0.0.1:${port}`, maxAttempts: 1, deadlineMs: { decide: 30_000, other: 30_000 } });
  await client.connect(90_000);
  return { child, client };
}

const measure = (inFlight: number, op: (i: number) => Promise<void>) => measureCalls(CALLS, inFlight, op);

let run = 0;
const decideOnce = (client: TactClient, tag: string) => async (i: number) => {
  await client.decide({ customer_id: `${tag}-${i}`, trigger: 'cart_abandoned', context: { numeric: { basket: i % 50 }, categorical: { device: i % 2 ? 'ios' : 'web' } } });
};
const pairOnce = (client: TactClient, tag: string) => async (i: number) => {
  const d = await client.decide({ customer_id: `${tag}-${i}`, trigger: 'cart_abandoned', context: { numeric: { basket: i % 50 } } });
  await client.reward({ decision_id: d.decision_id, value: i % 4 === 0 ? 5 : 0, event_id: `e${i}` });
};

interface Row {
  readonly name: string;
  readonly decide1: Figures;
  readonly decide16: Figures;
  readonly pair1: Figures;
  readonly pair16: Figures;
}

async function bench(name: string, storeFlags: string[]): Promise<Row> {
  say(`${name}...`);
  const { child, client } = await startServer(storeFlags);
  try {
    const tag = `g${run++}`;
    await measure(4, pairOnce(client, `${tag}w`));
    const decide1 = await measure(1, decideOnce(client, `${tag}d1`));
    const pair1 = await measure(1, pairOnce(client, `${tag}p1`));
    const decide16 = await measure(IN_FLIGHT, decideOnce(client, `${tag}d16`));
    const pair16 = await measure(IN_FLIGHT, pairOnce(client, `${tag}p16`));
    return { name, decide1, decide16, pair1, pair16 };
  } finally {
    client.close();
    child.kill('SIGTERM');
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'tact-bench-grpc-'));
const port = await freePort();
const single = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
const cluster = await TestRedisCluster.start();
try {
  const rows: Row[] = [];
  rows.push(await bench('memory', []));
  rows.push(await bench('one Redis', ['--redis', `redis://127.0.0.1:${port}`, '--redis-prefix', `bench${Date.now()}`]));
  rows.push(await bench('Redis Cluster (3 masters)', ['--redis-cluster', cluster.seeds, '--redis-prefix', `bench${Date.now()}`]));
  const memory = rows[0] as Row;
  const f = (x: Figures) => `${x.perSecond.toFixed(0)}/s, p99 ${x.p99.toFixed(2)} ms`;
  const ratio = (a: Figures, b: Figures) => (a.perSecond / b.perSecond).toFixed(2);
  const lines = [
    `# Decide and Decide+Reward over gRPC: memory vs one Redis vs Redis Cluster (${new Date().toISOString()})`,
    '',
    `\`npx tsx bench/fleet-throughput-grpc.ts --calls ${CALLS}\`: one \`tact serve\` child process per store, called over gRPC`,
    '(typed client, plaintext, one channel) from this process; catalog trigger cart_abandoned, a new customer per call;',
    `Redis servers started by the bench on this machine. One run; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
    '',
    '| store | Decide, 1 in flight | Decide, 16 in flight | Decide+Reward, 1 in flight | Decide+Reward, 16 in flight | vs memory at 16 (Decide / pair) |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${f(r.decide1)} | ${f(r.decide16)} | ${f(r.pair1)} | ${f(r.pair16)} | ${ratio(r.decide16, memory.decide16)}x / ${ratio(r.pair16, memory.pair16)}x |`),
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(new URL('./results/fleet-throughput-grpc.md', import.meta.url), text);
} finally {
  await cluster.stop();
  single.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
// Child servers and cluster sockets can outlive their handles by a grace period; the figures are written.
process.exit(0);
