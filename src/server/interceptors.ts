import { ServerInterceptingCall, status, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';

/** The two series the interceptor feeds; TactMetrics provides them. */
export interface RpcMetrics {
  observe(method: string, code: string, seconds: number): void;
}

const CODE_NAME: Record<number, string> = Object.fromEntries(
  Object.entries(status)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .map(([name, code]) => [code, name]),
);

/**
 * Per-RPC metrics and debug logging for every service on the server (Tact,
 * health, reflection). The method label comes from the registered method
 * descriptor, never from the request, so it stays bounded. Timing runs from
 * the moment grpc-js hands the stream over to the status being sent, which
 * includes decoding and encoding but not the network.
 */
export function rpcInterceptor(metrics: RpcMetrics, logger?: Logger): ServerInterceptor {
  // One label string per registered method, not a slice per call.
  const methods = new Map<string, string>();
  return (descriptor, call) => {
    const path = descriptor.path;
    let method = methods.get(path);
    if (method === undefined) methods.set(path, (method = path.startsWith('/') ? path.slice(1) : path));
    const started = performance.now();
    let done = false;
    const finish = (code: number, details: string | undefined) => {
      if (done) return;
      done = true;
      const seconds = (performance.now() - started) / 1000;
      const name = CODE_NAME[code] ?? 'UNKNOWN';
      metrics.observe(method, name, seconds);
      if (logger?.isLevelEnabled('debug')) {
        logger.debug({ method, code: name, ms: seconds * 1000, peer: call.getPeer(), details }, 'rpc');
      }
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        next({
          onCancel: () => finish(status.CANCELLED, 'cancelled by the client'),
        });
      },
      sendStatus(s, next) {
        finish(s.code ?? status.UNKNOWN, s.details);
        next(s);
      },
    });
  };
}
