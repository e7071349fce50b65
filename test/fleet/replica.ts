import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../src/core/paths.js';
import { freePort } from '../support/free-port.js';
import { TestClient } from '../support/grpc-client.js';

/** One `tact serve` child process of a test fleet. */
export interface Replica {
  readonly child: ChildProcess;
  readonly client: TestClient;
  readonly port: number;
  /** Where its Prometheus /metrics answers. */
  readonly metricsPort: number;
  readonly stderr: () => string;
}

export interface ReplicaOptions {
  /** One Redis; or give `redisCluster`. */
  readonly redisUrl?: string;
  /** Cluster seed nodes (--redis-cluster). */
  readonly redisCluster?: string;
  readonly prefix: string;
  readonly dumpDir: string;
  readonly port?: number;
  readonly env?: Record<string, string>;
}

export async function startReplica(o: ReplicaOptions): Promise<Replica> {
  const port = o.port ?? (await freePort());
  const metricsPort = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${metricsPort}`, ...redisFlags(o), '--redis-prefix', o.prefix, '--log-level', 'warn'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, TACT_DEBUG_DUMP_DIR: o.dumpDir, TACT_SNAPSHOT_INTERVAL_MS: '300', ...o.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const client = new TestClient(`127.0.0.1:${port}`);
  // A deadline, not a measurement: on a busy 2-core machine a replica can take this long to start.
  const end = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`replica exited ${child.exitCode}: ${err}`);
    try {
      await client.decide({ customer_id: '__ready', trigger: 'probe', candidates: [{ id: 'x' }] }, 500);
      break;
    } catch {
      if (Date.now() > end) throw new Error(`replica did not start: ${err}`);
      await sleep(100);
    }
  }
  return { child, client, port, metricsPort, stderr: () => err };
}

function redisFlags(o: ReplicaOptions): string[] {
  if (o.redisCluster) return ['--redis-cluster', o.redisCluster];
  if (o.redisUrl) return ['--redis', o.redisUrl];
  throw new Error('a replica needs redisUrl or redisCluster');
}

export interface ReplicaDump {
  pid: number;
  available: boolean;
  streamId: string;
  policies: Record<string, { kind: string; updates: number; state: unknown }>;
  buffer: {
    pending: number;
    buffered: Record<string, number>;
    flushed: Record<string, number>;
    refused: Record<string, number>;
    lateJoins: Record<string, number>;
    outages: number;
  };
}

/** Ask a replica for its learner state (SIGUSR2 debug hook) and read it. */
export async function dumpReplica(r: Replica, dumpDir: string): Promise<ReplicaDump> {
  const file = path.join(dumpDir, `${r.child.pid}.json`);
  rmSync(file, { force: true });
  r.child.kill('SIGUSR2');
  const end = Date.now() + 5000;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error('no dump from replica');
    await sleep(20);
  }
  // The replica may still be writing it (a loaded machine): read until it parses.
  for (;;) {
    await sleep(20);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ReplicaDump;
    } catch (err) {
      if (!(err instanceof SyntaxError) || Date.now() > end) throw err;
    }
  }
}

/** Dump until `check` holds (replicas converge as they read the stream). */
export async function dumpUntil(r: Replica, dumpDir: string, check: (d: ReplicaDump) => boolean, ms = 10_000): Promise<ReplicaDump> {
  const end = Date.now() + ms;
  for (;;) {
    const d = await dumpReplica(r, dumpDir);
    if (check(d) || Date.now() > end) return d;
    await sleep(100);
  }
}

export async function stopReplica(r: Replica, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  r.client.close();
  // A replica killed by a signal has no exit code, only a signal code.
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.kill(signal);
  await exited;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The learners' parameters of a dump, for comparing replicas. A restored
 * bayes-linear snapshot omits `config.kind` (its state schema strips it), so
 * that one field is dropped; every statistic is compared exactly.
 */
export function parameters(d: ReplicaDump): unknown {
  const copy = JSON.parse(JSON.stringify(d.policies)) as Record<string, { state: { config?: { kind?: string } } }>;
  for (const p of Object.values(copy)) delete p.state.config?.kind;
  return copy;
}
