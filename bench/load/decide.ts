/**
 * Decide under load against the floor, one K per run:
 *   npx tsx bench/load/decide.ts --k 100 [--seconds 5] [--curve]
 * Max throughput (closed loop, 4 connections x 32 streams) and, with
 * --curve, fixed rates at fractions of each server's max for the
 * latency-vs-throughput chart.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TestClient } from '../../test/support/grpc-client.js';
import { ensureH2load, runH2load, type LoadResult } from './h2load.js';
import { grpcErrors, startServer, type ServerProcess } from './harness.js';
import { DECIDE_PATH, decideRequest, encodeDecide, method } from './messages.js';
import type { ServerStats } from './server.js';

export interface CurvePoint {
  readonly offered: number | 'max';
  readonly result: LoadResult;
}

export interface DecideFigures {
  readonly k: number;
  readonly requestBytes: number;
  /** Size of the response the floor answers with: Tact's answer to the load's request. */
  readonly responseBytes: number;
  readonly floor: LoadResult;
  readonly tact: LoadResult;
  readonly tactErrors: number;
  /** Server-side Decide time at ~half the max rate, and at max. */
  readonly serverAtHalf: ServerStats['decide'];
  readonly serverAtMax: ServerStats['decide'];
  readonly floorCurve: CurvePoint[];
  readonly tactCurve: CurvePoint[];
}

export const CURVE_FRACTIONS = [0.2, 0.4, 0.6, 0.8, 0.95];
const CONNECTIONS = 4;
/**
 * Streams per connection: 32 for small requests, fewer for large ones. The
 * server's HTTP/2 receive window is 64 KiB per connection (grpc-js has no
 * server option for it), so 128 concurrent 100 KB requests stall on flow
 * control and measure the window, not the server.
 */
export function streamsFor(requestBytes: number): number {
  return Math.max(1, Math.min(32, Math.floor((48 * 1024) / requestBytes)));
}

export async function runDecide(k: number, seconds = 5, curve = false): Promise<DecideFigures> {
  ensureH2load();
  const request = decideRequest(k);
  const body = encodeDecide(request);
  const streams = streamsFor(body.length);
  const floorServer = await startServer('floor');
  const tactServer = await startServer('tact');
  try {
    const sample = await warmUp(tactServer, k);
    const responseBytes = method('Decide').responseSerialize(sample).length;
    await floorServer.setFloorResponse(sample);
    const load = (s: ServerProcess, rate?: number) =>
      runH2load({
        url: `http://127.0.0.1:${s.port}${DECIDE_PATH}`,
        body,
        seconds: rate ? Math.max(2, Math.round(seconds * 0.6)) : seconds,
        connections: CONNECTIONS,
        streams: rate ? Math.min(8, streams) : streams,
        ...(rate ? { rate } : {}),
      });
    const log = (what: string, r: LoadResult) =>
      process.stderr.write(
        `K=${k} ${what}: ${r.callsPerSecond.toFixed(0)} calls/s p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} ms errors ${r.errors}\n`,
      );
    const floor = await load(floorServer);
    log('floor max', floor);
    const errorsBefore = await grpcErrors(tactServer.metricsPort, DECIDE_PATH.slice(1));
    await tactServer.reset();
    const tact = await load(tactServer);
    const serverAtMax = (await tactServer.stats()).decide;
    log('tact max', tact);
    await tactServer.reset();
    const half = await load(tactServer, tact.callsPerSecond * 0.5);
    const serverAtHalf = (await tactServer.stats()).decide;
    log('tact at 50%', half);
    const floorCurve: CurvePoint[] = [];
    const tactCurve: CurvePoint[] = [];
    if (curve) {
      for (const f of CURVE_FRACTIONS) {
        const rf = floor.callsPerSecond * f;
        floorCurve.push({ offered: rf, result: await load(floorServer, rf) });
        log(`floor at ${f}`, floorCurve.at(-1)!.result);
        const rt = tact.callsPerSecond * f;
        tactCurve.push({ offered: rt, result: await load(tactServer, rt) });
        log(`tact at ${f}`, tactCurve.at(-1)!.result);
      }
      floorCurve.push({ offered: 'max', result: floor });
      tactCurve.push({ offered: 'max', result: tact });
    }
    const tactErrors = (await grpcErrors(tactServer.metricsPort, DECIDE_PATH.slice(1))) - errorsBefore + tact.errors;
    return { k, requestBytes: body.length, responseBytes, floor, tact, tactErrors, serverAtHalf, serverAtMax, floorCurve, tactCurve };
  } finally {
    await Promise.all([floorServer.close(), tactServer.close()]);
  }
}

/**
 * Teach the model a little (1000 decisions with rewards) and capture the
 * response the load will get, for the floor to answer with. The load sends
 * one request, so one customer: after a few decisions its frequency caps are
 * full and every call is a forced no-send listing all K removals. The first
 * call's response (one choice) is a fraction of that size and made the floor
 * answer less than Tact does, so capture it once the answer has settled.
 */
async function warmUp(server: ServerProcess, k: number): Promise<object> {
  const client = new TestClient(`127.0.0.1:${server.port}`);
  let sample: object = {};
  for (let i = 0; i < 1000; i++) {
    const d = await client.decide(decideRequest(k, `warm-${i}`));
    sample = d;
    const chosen = d.choices[0]?.action_id ?? '';
    await client.reward({ decision_id: d.decision_id, value: chosen.startsWith('m1') ? 10 : 0 });
  }
  let last = await client.decide(decideRequest(k));
  for (let i = 0; i < 50; i++) last = await client.decide(decideRequest(k));
  client.close();
  return last ?? sample;
}

export function decideTable(f: DecideFigures): string {
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');
  const row = (name: string, r: LoadResult, base?: LoadResult) =>
    `| ${name} | ${r.callsPerSecond.toFixed(0)}${base ? ` (${ratio(r.callsPerSecond, base.callsPerSecond)}x)` : ''} | ` +
    [r.p50, r.p90, r.p99, r.p999].map((v, i) => {
      const b = base ? [base.p50, base.p90, base.p99, base.p999][i]! : undefined;
      return `${v.toFixed(2)}${b ? ` (${ratio(v, b)}x)` : ''}`;
    }).join(' | ') + ` | ${name === 'floor' ? r.errors : f.tactErrors} |`;
  return [
    `K=${f.k} client candidates with features; request ${f.requestBytes} bytes, response ${f.responseBytes} bytes (the floor answers the same); h2load ${CONNECTIONS} connections x ${streamsFor(f.requestBytes)} streams.`,
    '',
    '| server | calls/s (x floor) | p50 ms | p90 ms | p99 ms | p999 ms | errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('floor', f.floor),
    row('tact', f.tact, f.floor),
    '',
    `Server-side Decide time (engine, in process): at ~50% of max p50 ${f.serverAtHalf.p50.toFixed(3)} ms, p99 ${f.serverAtHalf.p99.toFixed(3)} ms, p999 ${f.serverAtHalf.p999.toFixed(3)} ms (${f.serverAtHalf.count} calls); at max p99 ${f.serverAtMax.p99.toFixed(3)} ms.`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { k: { type: 'string', default: '100' }, seconds: { type: 'string', default: '5' }, curve: { type: 'boolean' } },
  });
  const f = await runDecide(Number(values.k), Number(values.seconds), values.curve ?? false);
  const table = decideTable(f);
  console.log(table);
  writeFileSync(new URL(`../results/decide-k${f.k}.md`, import.meta.url), `# Decide at K=${f.k} vs the gRPC floor (${new Date().toISOString()})\n\n${table}\n`);
}
