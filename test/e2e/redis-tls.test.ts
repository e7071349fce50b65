import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplica, stopReplica } from '../fleet/replica.js';
import { makeCa, makeLeaf, type CertFiles } from '../support/certs.js';
import { freePort } from '../support/free-port.js';
import { waitForRedis } from '../support/scratch-redis.js';

/**
 * A private redis-server that speaks TLS only (no plaintext port), with a
 * certificate from a CA made here and an ACL user: what docs/security.md's
 * hardened deployment points `REDIS_URL=rediss://...` at. Tact runs as a
 * process, because a private CA reaches Node's TLS through
 * NODE_EXTRA_CA_CERTS, which Node reads only at start.
 */
describe('Redis over TLS (rediss://)', () => {
  let dir: string;
  let ca: CertFiles;
  let port: number;
  let child: ChildProcess;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tact-redis-tls-'));
    ca = makeCa(dir, 'redis-ca');
    const server = makeLeaf(dir, 'redis-server', ca, 'server');
    port = await freePort();
    child = spawn(
      'redis-server',
      [
        '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
        '--tls-cert-file', server.cert, '--tls-key-file', server.key, '--tls-ca-cert-file', ca.cert, '--tls-auth-clients', 'no',
        '--save', '', '--appendonly', 'no',
        '--user', 'default', 'off', '--user', 'tact', 'on', '>tls-pw', '~*', '&*', '+@all',
      ],
      { stdio: 'ignore' },
    );
    await waitForRedis({ port, host: '127.0.0.1', username: 'tact', password: 'tls-pw', tls: { ca: ca.certPem() } }, 60_000);
  }, 90_000);
  afterAll(async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves on a TLS-only Redis whose CA is trusted; refuses a CA it does not trust and plaintext', async () => {
    const url = `rediss://tact:tls-pw@127.0.0.1:${port}`;
    const replica = await startReplica({ redisUrl: url, prefix: 'tlstest', dumpDir: dir, env: { NODE_EXTRA_CA_CERTS: ca.cert } });
    try {
      const d = await replica.client.decide({ customer_id: 'c1', trigger: 't', candidates: [{ id: 'x' }, { id: 'y' }] });
      expect(d.decision_id).not.toBe('');
      const r = await replica.client.reward({ decision_id: d.decision_id, value: 1, event_id: 'e1' });
      expect(r.status).toBe('JOINED');
    } finally {
      await stopReplica(replica);
    }
    // The decision and the journeys' queues are in this Redis, read over TLS.
    const reader = new Redis({ port, host: '127.0.0.1', username: 'tact', password: 'tls-pw', tls: { ca: ca.certPem() }, lazyConnect: true });
    await reader.connect();
    const keys = await reader.keys('tlstest:*');
    expect(keys.some((k) => k.startsWith('tlstest:jobs:'))).toBe(true); // the journeys' BullMQ queues too
    expect(keys.length).toBeGreaterThan(1);
    reader.disconnect();

    // Without the CA the server's certificate is not trusted: start-up fails, it does not fall back to plaintext.
    await expect(startReplica({ redisUrl: url, prefix: 'tlstest2', dumpDir: dir, env: { NODE_EXTRA_CA_CERTS: '' } })).rejects.toThrow(/replica exited/);
    // redis:// to the TLS port cannot talk to it either.
    await expect(startReplica({ redisUrl: `redis://tact:tls-pw@127.0.0.1:${port}`, prefix: 'tlstest3', dumpDir: dir })).rejects.toThrow(/replica exited/);
  }, 240_000);
});
