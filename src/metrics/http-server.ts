import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TactError } from '../core/errors.js';
import type { ServerTls } from '../server/tls.js';

export interface MetricsServerDeps {
  /** Prometheus text exposition. */
  scrape(): Promise<string>;
  readonly contentType: string;
  /** False once shutdown began, so a load balancer stops routing here first. */
  healthy(): boolean;
  /** A condition /healthz reports without failing (marketing sends stopped); undefined when none. */
  warning?(): string | undefined;
}

export interface RunningMetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Split "HOST:PORT" (IPv6 in brackets) as config.ts validates it. */
export function parseHostPort(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TactError('invalid_argument', `expected HOST:PORT, got "${listen}"`, 'metricsListen');
  }
  return { host, port };
}

/**
 * `/metrics` and `/healthz` on their own address, apart from gRPC, so
 * scrapes never queue behind decisions and the port can stay private.
 */
export async function startMetricsServer(deps: MetricsServerDeps, listen: string, tls?: ServerTls): Promise<RunningMetricsServer> {
  const { host, port } = parseHostPort(listen);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      deps.scrape().then(
        (body) => res.writeHead(200, { 'content-type': deps.contentType }).end(body),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`scrape failed: ${String(err)}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      const ok = deps.healthy();
      // Decide still answers (no-send) while sends are stopped: the replica stays in rotation, and says why.
      const warning = deps.warning?.();
      const body = ok ? (warning ? `ok; marketing sends stopped: ${warning}\n` : 'ok\n') : 'shutting down\n';
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };
  let server: Server;
  let stopFollowing = () => {};
  if (tls) {
    // HTTPS with the gRPC port's certificate (and client CA), following its rotations.
    const https = createHttpsServer(tls.httpsOptions(), handle);
    stopFollowing = tls.onChange(() => https.setSecureContext(tls.httpsOptions()));
    server = https;
  } else {
    server = createServer(handle);
  }
  // Keep-alive scrapers would otherwise hold close() open until they time out.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(listen, err)));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        stopFollowing();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/**
 * Two replicas on one host both default to 127.0.0.1:9464: the second must
 * be told which setting to change, not just that a port was taken.
 */
function listenError(listen: string, err: NodeJS.ErrnoException): TactError {
  const hint =
    err.code === 'EADDRINUSE'
      ? ' (address in use: another process, e.g. a second replica on this host, has it; give each replica its own --metrics-listen, or 127.0.0.1:0 for any free port)'
      : '';
  return new TactError('invalid_argument', `cannot listen on ${listen}: ${err.message}${hint} [flag --metrics-listen, env TACT_METRICS_LISTEN]`);
}
