/**
 * A server under load, in its own process so it has the event loop to
 * itself: `tact` (the real serve()) or `floor` (a bare grpc-js server with
 * the same service definition, decoding the same requests and answering a
 * constant response of the same size). Talks to the harness over IPC.
 *
 *   fork('bench/load/server.ts', ['tact' | 'floor'])
 */
import * as grpc from '@grpc/grpc-js';
import * as hdr from 'hdr-histogram-js';
import { serve } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import type { DecisionObserver } from '../../src/decision/observer.js';
import { loadTactDefinition, loadTactProto } from '../../src/server/proto.js';

export type ToServer = { cmd: 'reset' } | { cmd: 'stats' } | { cmd: 'floor-response'; response: object } | { cmd: 'exit' };
export interface ServerStats {
  /** Server-side Decide time (engine, from the decision observer), ms. */
  readonly decide: { count: number; p50: number; p90: number; p99: number; p999: number };
  readonly heapUsedBytes: number;
}
export type FromServer = { ready: true; port: number; metricsPort: number } | { stats: ServerStats } | { ok: true };

const mode = process.argv[2];
const send = (m: FromServer) => process.send?.(m);

const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
const observer: DecisionObserver = { onDecision: (_d, s) => h.recordValue(Math.max(1, Math.round(s.seconds * 1e9))) };

async function start(): Promise<{ port: number; metricsPort: number; stop: () => Promise<void> }> {
  if (mode === 'tact') {
    const running = await serve(
      configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'warn', seed: 1 }),
      { decisionObserver: observer },
    );
    return { port: running.grpc.port, metricsPort: running.metricsServer.port, stop: () => running.stop() };
  }
  let response: object = {};
  process.on('message', (m: ToServer) => {
    if (m.cmd === 'floor-response') response = m.response;
  });
  const server = new grpc.Server();
  const proto = loadTactProto(loadTactDefinition());
  const constant: grpc.handleUnaryCall<unknown, object> = (_call, cb) => cb(null, response);
  server.addService(proto.tact.v1.DecisionService.service, {
    Decide: constant,
    Reward: constant,
    RewardStream: (call: grpc.ServerReadableStream<unknown, object>, cb: grpc.sendUnaryData<object>) => {
      call.on('data', () => {});
      call.on('end', () => cb(null, response));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { port, metricsPort: 0, stop: () => new Promise((r) => server.tryShutdown(() => r())) };
}

const { port, metricsPort, stop } = await start();
process.on('message', (m: ToServer) => {
  if (m.cmd === 'reset') {
    h.reset();
    send({ ok: true });
  } else if (m.cmd === 'floor-response') {
    send({ ok: true });
  } else if (m.cmd === 'stats') {
    const ms = (p: number) => h.getValueAtPercentile(p) / 1e6;
    send({
      stats: {
        decide: { count: h.totalCount, p50: ms(50), p90: ms(90), p99: ms(99), p999: ms(99.9) },
        heapUsedBytes: process.memoryUsage().heapUsed,
      },
    });
  } else if (m.cmd === 'exit') {
    void stop().then(() => process.exit(0));
  }
});
send({ ready: true, port, metricsPort });
