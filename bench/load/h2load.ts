/**
 * The load generator: h2load (nghttp2, C, one event loop) sending
 * pre-encoded gRPC frames, so the client costs a fraction of the server and
 * the same generator drives both the floor and Tact. Latency comes from its
 * per-request log, into an HDR histogram.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as hdr from 'hdr-histogram-js';

export interface LoadResult {
  readonly callsPerSecond: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  /** Requests h2load saw fail (transport or HTTP status); gRPC status errors are counted server-side. */
  readonly errors: number;
  readonly calls: number;
}

export function ensureH2load(): void {
  try {
    execFileSync('h2load', ['--version'], { stdio: 'ignore' });
  } catch {
    process.stderr.write('h2load missing: apt-get install -y nghttp2-client\n');
    execFileSync('apt-get', ['install', '-y', 'nghttp2-client'], { stdio: 'inherit' });
  }
}

export interface LoadOptions {
  readonly url: string;
  readonly body: Buffer;
  readonly seconds: number;
  readonly warmupSeconds?: number;
  readonly connections: number;
  /** Concurrent streams per connection. */
  readonly streams: number;
  /** Total calls/s across connections; undefined = as fast as the server answers. */
  readonly rate?: number;
}

export async function runH2load(o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tact-h2load-'));
  try {
    const bodyFile = path.join(dir, 'body.bin');
    const logFile = path.join(dir, 'log.tsv');
    writeFileSync(bodyFile, o.body);
    const args = [
      '-t', '1',
      '-c', String(o.connections),
      '-m', String(o.streams),
      '-D', String(o.seconds),
      '--warm-up-time', String(o.warmupSeconds ?? 1),
      '-d', bodyFile,
      '-H', 'content-type: application/grpc',
      '-H', 'te: trailers',
      '--log-file', logFile,
      ...(o.rate ? ['--rps', String(Math.max(1, Math.round(o.rate / o.connections)))] : []),
      o.url,
    ];
    const out = await run('h2load', args);
    const reqPerSec = Number(/finished in [^,]+, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN);
    const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
    let calls = 0;
    let bad = 0;
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      if (!line) continue;
      const [, statusCode, us] = line.split('\t');
      // Status 0/-1: a stream still open when the timed run ended, not a failure.
      if (!statusCode || Number(statusCode) <= 0) continue;
      calls += 1;
      if (statusCode !== '200') bad += 1;
      h.recordValue(Math.max(1, Number(us)));
    }
    const result: LoadResult = {
      callsPerSecond: reqPerSec,
      p50: h.getValueAtPercentile(50) / 1000,
      p90: h.getValueAtPercentile(90) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      p999: h.getValueAtPercentile(99.9) / 1000,
      // Not h2load's failed/errored counts: with -D they include the streams still in flight when time is up.
      errors: bad,
      calls,
    };
    h.destroy();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${out.slice(-500)}`))));
  });
}
