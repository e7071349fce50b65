import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { freePort } from '../support/free-port.js';
import { waitForRedis } from '../support/scratch-redis.js';
import { TestClient } from '../support/grpc-client.js';

/** A private redis-server whose only usable login is an ACL user with a password. */
describe('Redis credentials in REDIS_URL', () => {
  let port: number;
  let child: ChildProcess;

  beforeAll(async () => {
    port = await freePort();
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--user', 'default', 'off', '--user', 'tact', 'on', '>s3cret-pw', '~*', '&*', '+@all'],
      { stdio: 'ignore' },
    );
    await waitForRedis({ port, host: '127.0.0.1', username: 'tact', password: 's3cret-pw' }, 60_000);
  }, 90_000);
  afterAll(async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  const config = (redisUrl: string) =>
    configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 1, redisUrl, redisPrefix: 'credtest', redisConnectTimeoutMs: 10_000 });

  it('serves with an ACL user and password, and a wrong password fails start-up without printing it', async () => {
    const running = await serve(config(`redis://tact:s3cret-pw@127.0.0.1:${port}`));
    const client = new TestClient(`127.0.0.1:${running.grpc.port}`);
    try {
      const d = await client.decide({ customer_id: 'c1', trigger: 't', candidates: [{ id: 'x' }, { id: 'y' }] });
      expect(d.decision_id).not.toBe('');
      expect(running.tact.store.kind).toBe('redis');
    } finally {
      client.close();
      await running.stop();
    }
    const refused = await serve(config(`redis://tact:wrong-pw@127.0.0.1:${port}`)).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(refused).toBeInstanceOf(Error);
    expect(refused?.message).not.toContain('wrong-pw');
  }, 120_000);
});
