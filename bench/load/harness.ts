/** Start servers under test as child processes and talk to them over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromServer, ServerStats, ToServer } from './server.js';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface ServerProcess {
  readonly port: number;
  readonly metricsPort: number;
  reset(): Promise<void>;
  stats(): Promise<ServerStats>;
  setFloorResponse(response: object): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(mode: 'tact' | 'floor'): Promise<ServerProcess> {
  const child: ChildProcess = fork(SERVER, [mode], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=3072'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<FromServer>((resolve, reject) => {
      child.once('message', (m: FromServer) => resolve(m));
      child.once('exit', (code) => reject(new Error(`${mode} server exited ${code}`)));
    });
  const ask = async (m: ToServer) => {
    const reply = next();
    child.send(m);
    return reply;
  };
  const ready = await next();
  if (!('ready' in ready)) throw new Error('server did not start');
  return {
    port: ready.port,
    metricsPort: ready.metricsPort,
    reset: async () => void (await ask({ cmd: 'reset' })),
    stats: async () => {
      const r = await ask({ cmd: 'stats' });
      if (!('stats' in r)) throw new Error('no stats');
      return r.stats;
    },
    setFloorResponse: async (response) => void (await ask({ cmd: 'floor-response', response })),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ cmd: 'exit' } satisfies ToServer);
      }),
  };
}

/**
 * Count of failed gRPC calls per method from a Tact server's /metrics. Not
 * CANCELLED: h2load's timed runs end by dropping the calls still in flight.
 */
export async function grpcErrors(metricsPort: number, method: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('tact_grpc_server_handled_total{') && line.includes(`method="${method}"`) && !line.includes('code="OK"') && !line.includes('code="CANCELLED"')) {
      n += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return n;
}
