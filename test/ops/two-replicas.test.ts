import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';

/** Hold a port the way another replica on the host would. */
function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('two replicas on one host', () => {
  const running: RunningTact[] = [];
  afterAll(async () => {
    for (const r of running) await r.stop();
  });

  it('a taken metrics port fails start-up with an error naming the flag and env variable', async () => {
    const taken = await holdPort();
    try {
      const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: `127.0.0.1:${taken.port}`, logLevel: 'silent' });
      await expect(serve(config)).rejects.toThrow(/--metrics-listen.*TACT_METRICS_LISTEN/);
    } finally {
      taken.server.close();
    }
  });

  it('a taken gRPC port fails start-up naming --listen, and frees the metrics port it had taken', async () => {
    const first = await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent' }));
    running.push(first);
    const metrics = await holdPort();
    const metricsPort = metrics.port;
    metrics.server.close();
    const config = configSchema.parse({ listen: `127.0.0.1:${first.grpc.port}`, metricsListen: `127.0.0.1:${metricsPort}`, logLevel: 'silent' });
    await expect(serve(config)).rejects.toThrow(/--listen.*TACT_LISTEN/);
    // The failed start closed its metrics listener: the port can be taken again.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(metricsPort, '127.0.0.1', () => resolve());
    });
    again.close();
  });

  it('with their own --listen and --metrics-listen both serve', async () => {
    const a = running[0] ?? (await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent' })));
    const b = await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent' }));
    running.push(b);
    expect(b.grpc.port).not.toBe(a.grpc.port);
    expect(b.metricsServer.port).not.toBe(a.metricsServer.port);
    const res = await fetch(`http://127.0.0.1:${b.metricsServer.port}/metrics`);
    expect(res.status).toBe(200);
  });
});
