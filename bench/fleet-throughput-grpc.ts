/**
 * Decide and Decide+Reward as clients see them: through a `tact serve`
 * child process over gRPC, with state in memory, in one Redis and in a
 * 3-master Redis Cluster (started here on free ports, same machine, one
 * run), sequentially and with 16 calls in flight; throughput, p99 and the
 * Redis/memory ratios. bench/fleet-throughput.ts measures the engine in
 * process, where nothing but the store differs; this one includes what a
 * call costs on the wire, which is what a fleet's capacity is planned on.
 *
 * The three servers run side by side and are measured in rounds, each round
 * visiting them in a rotated order; every figure is the median over rounds
 * and each ratio the median of the per-round ratios (with its range). On a
 * shared machine the load changes within a minute: one pass per store would
 * compare one store's quiet minute with another's busy one.
 * With --request-ids every Decide carries a request id, as the README's client
 * example does (idempotent retries); results go to fleet-throughput-grpc-request-ids.md.
 *   npx tsx bench/fleet-throughput-grpc.ts [--calls 2000] [--rounds 3] [--request-ids]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TactClient } from '../src/client/index.js';
import { REPO_ROOT } from '../src/core/paths.js';
import { freePort } from '../test/support/free-port.js';
import { measure as measureCalls, type Figures } from './throughput.js';
import { TestRedisCluster } from '../test/support/redis-cluster.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '3' }, 'request-ids': { type: 'boolean', default: false } } });
const REQUEST_IDS = values['request-ids'];
const CALLS = Number(values.calls);
const ROUNDS = Number(values.rounds);
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
const requestId = (tag: string, i: number) => (REQUEST_IDS ? { request_id: `${tag}-r${i}` } : {});
const decideOnce = (client: TactClient, tag: string) => async (i: number) => {
  await client.decide({ customer_id: `${tag}-${i}`, trigger: 'cart_abandoned', context: { numeric: { basket: i % 50 }, categorical: { device: i % 2 ? 'ios' : 'web' } }, ...requestId(tag, i) });
};
const pairOnce = (client: TactClient, tag: string) => async (i: number) => {
  const d = await client.decide({ customer_id: `${tag}-${i}`, trigger: 'cart_abandoned', context: { numeric: { basket: i % 50 } }, ...requestId(tag, i) });
  await client.reward({ decision_id: d.decision_id, value: i % 4 === 0 ? 5 : 0, event_id: `e${i}` });
};

type Phase = 'decide1' | 'decide16' | 'pair1' | 'pair16';
const PHASES: readonly Phase[] = ['decide1', 'decide16', 'pair1', 'pair16'];

interface Server {
  readonly name: string;
  readonly child: ChildProcess;
  readonly client: TactClient;
  /** Every round's figures, per phase. */
  readonly rounds: Record<Phase, Figures[]>;
  /** The server process's CPU per call (ms) at 16 in flight, every round. */
  readonly cpu: Record<'decide16' | 'pair16', number[]>;
}

/** A child's user + system CPU so far, ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function open(name: string, storeFlags: string[]): Promise<Server> {
  say(`starting ${name}...`);
  const { child, client } = await startServer(storeFlags);
  // Warm up (JIT, scripts loaded, node connections open).
  await measure(4, pairOnce(client, `${name.replace(/\W/g, '')}w`));
  return { name, child, client, rounds: { decide1: [], decide16: [], pair1: [], pair16: [] }, cpu: { decide16: [], pair16: [] } };
}

async function measureRound(s: Server): Promise<void> {
  const tag = `g${run++}`;
  s.rounds.decide1.push(await measure(1, decideOnce(s.client, `${tag}d1`)));
  s.rounds.pair1.push(await measure(1, pairOnce(s.client, `${tag}p1`)));
  const c0 = cpuMs(s.child);
  s.rounds.decide16.push(await measure(IN_FLIGHT, decideOnce(s.client, `${tag}d16`)));
  const c1 = cpuMs(s.child);
  s.rounds.pair16.push(await measure(IN_FLIGHT, pairOnce(s.client, `${tag}p16`)));
  const c2 = cpuMs(s.child);
  s.cpu.decide16.push((c1 - c0) / CALLS);
  s.cpu.pair16.push((c2 - c1) / CALLS);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const dir = mkdtempSync(path.join(tmpdir(), 'tact-bench-grpc-'));
const port = await freePort();
const single = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
const cluster = await TestRedisCluster.start();
const servers: Server[] = [];
try {
  servers.push(await open('memory', []));
  servers.push(await open('one Redis', ['--redis', `redis://127.0.0.1:${port}`, '--redis-prefix', `bench${Date.now()}`]));
  servers.push(await open('Redis Cluster (3 masters)', ['--redis-cluster', cluster.seeds, '--redis-prefix', `bench${Date.now()}`]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < servers.length; j++) {
      const s = servers[(r + j) % servers.length] as Server;
      say(`round ${r + 1}/${ROUNDS}: ${s.name}`);
      await measureRound(s);
    }
  }
  const memory = servers[0] as Server;
  const f = (s: Server, p: Phase) => `${median(s.rounds[p].map((x) => x.perSecond)).toFixed(0)}/s, p99 ${median(s.rounds[p].map((x) => x.p99)).toFixed(2)} ms`;
  const ratio = (s: Server, p: Phase) => {
    const each = s.rounds[p].map((x, r) => x.perSecond / (memory.rounds[p][r] as Figures).perSecond);
    return `${median(each).toFixed(2)}x (${Math.min(...each).toFixed(2)}-${Math.max(...each).toFixed(2)})`;
  };
  const lines = [
    `# Decide and Decide+Reward over gRPC: memory vs one Redis vs Redis Cluster (${new Date().toISOString()})`,
    '',
    `\`npx tsx bench/fleet-throughput-grpc.ts --calls ${CALLS} --rounds ${ROUNDS}${REQUEST_IDS ? ' --request-ids' : ''}\`: one \`tact serve\` child process per store, called over gRPC`,
    `(typed client, plaintext, one channel) from this process; catalog trigger cart_abandoned, a new customer per call${REQUEST_IDS ? ', every Decide with a request id' : ''};`,
    `Redis servers started by the bench on this machine; the three servers measured in ${ROUNDS} rounds in rotated order,`,
    `medians over rounds, ratios the median (and range) of the per-round ratios. ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
    '',
    '| store | Decide, 1 in flight | Decide, 16 in flight | Decide+Reward, 1 in flight | Decide+Reward, 16 in flight | vs memory at 16: Decide | vs memory at 16: pair | server CPU per Decide / pair at 16 |',
    '|---|---|---|---|---|---|---|---|',
    ...servers.map(
      (s) =>
        `| ${s.name} | ${PHASES.map((p) => f(s, p)).join(' | ')} | ${ratio(s, 'decide16')} | ${ratio(s, 'pair16')} | ${median(s.cpu.decide16).toFixed(2)} / ${median(s.cpu.pair16).toFixed(2)} ms |`,
    ),
    '',
    'Server CPU: the `tact serve` process\'s user + system CPU per call at 16 in flight (/proc, 10 ms ticks; median over',
    'rounds): gRPC, the engine and the store\'s client, not Redis; less sensitive to the machine\'s other load than throughput.',
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(new URL(`./results/fleet-throughput-grpc${REQUEST_IDS ? '-request-ids' : ''}.md`, import.meta.url), text);
} finally {
  for (const s of servers) {
    s.client.close();
    s.child.kill('SIGTERM');
  }
  await cluster.stop();
  single.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
// Child servers and cluster sockets can outlive their handles by a grace period; the figures are written.
process.exit(0);
