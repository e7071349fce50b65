import * as grpc from '@grpc/grpc-js';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { makeCa, makeLeaf, type CertFiles } from '../support/certs.js';
import { TestClient } from '../support/grpc-client.js';

const DECIDE = { customer_id: 'c1', trigger: 't', candidates: [{ id: 'x' }, { id: 'y' }] };

/** One Decide over a fresh channel (a fresh handshake); the client is closed after. */
async function decideOver(address: string, credentials: grpc.ChannelCredentials): Promise<grpc.ServiceError | 'ok'> {
  const client = new TestClient(address, credentials);
  try {
    await client.decide(DECIDE);
    return 'ok';
  } catch (err) {
    return err as grpc.ServiceError;
  } finally {
    client.close();
  }
}

function fetchStatus(get: typeof httpGet | typeof httpsGet, url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, ca ? { ca } : {}, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('TLS on the gRPC and metrics ports', () => {
  let dir: string;
  let caA: CertFiles;
  let caB: CertFiles;
  let serverA: CertFiles;
  let serverB: CertFiles;
  let clientA: CertFiles;
  let clientB: CertFiles;
  /** The files the server is configured with; tests copy pairs over them to rotate. */
  let live: { cert: string; key: string };
  const running: RunningTact[] = [];

  const start = async (extra: Record<string, unknown>) => {
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      metricsListen: '127.0.0.1:0',
      logLevel: 'silent',
      seed: 1,
      tlsCert: live.cert,
      tlsKey: live.key,
      ...extra,
    });
    const r = await serve(config);
    running.push(r);
    return r;
  };
  const install = (pair: CertFiles) => {
    copyFileSync(pair.cert, live.cert);
    copyFileSync(pair.key, live.key);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tact-tls-'));
    caA = makeCa(dir, 'ca-a');
    caB = makeCa(dir, 'ca-b');
    serverA = makeLeaf(dir, 'server-a', caA, 'server');
    serverB = makeLeaf(dir, 'server-b', caB, 'server');
    clientA = makeLeaf(dir, 'client-a', caA, 'client');
    clientB = makeLeaf(dir, 'client-b', caB, 'client');
    live = { cert: path.join(dir, 'live.crt'), key: path.join(dir, 'live.key') };
    install(serverA);
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves gRPC over TLS and refuses plaintext; /metrics over HTTPS when asked', async () => {
    const r = await start({ metricsTls: true, credentialsReloadMs: 0 });
    const address = `127.0.0.1:${r.grpc.port}`;
    expect(await decideOver(address, grpc.credentials.createSsl(caA.certPem()))).toBe('ok');
    const plain = await decideOver(address, grpc.credentials.createInsecure());
    expect(plain).not.toBe('ok');
    expect((plain as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    // A client that trusts another CA does not take the server's certificate.
    expect(await decideOver(address, grpc.credentials.createSsl(caB.certPem()))).not.toBe('ok');

    expect(await fetchStatus(httpsGet, `https://127.0.0.1:${r.metricsServer.port}/metrics`, caA.certPem())).toBe(200);
    await expect(fetchStatus(httpGet, `http://127.0.0.1:${r.metricsServer.port}/metrics`)).rejects.toThrow();
  });

  it('mutual TLS refuses a client without a certificate and one signed by another CA', async () => {
    const r = await start({ tlsClientCa: caA.cert, credentialsReloadMs: 0 });
    const address = `127.0.0.1:${r.grpc.port}`;
    const trust = caA.certPem();
    expect(await decideOver(address, grpc.credentials.createSsl(trust, clientA.keyPem(), clientA.certPem()))).toBe('ok');
    const anonymous = await decideOver(address, grpc.credentials.createSsl(trust));
    expect((anonymous as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
    const stranger = await decideOver(address, grpc.credentials.createSsl(trust, clientB.keyPem(), clientB.certPem()));
    expect((stranger as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('takes a rotated certificate without a restart, and keeps the old one while the pair is half written', async () => {
    install(serverA);
    const r = await start({ credentialsReloadMs: 50 });
    const address = `127.0.0.1:${r.grpc.port}`;
    const trustA = () => grpc.credentials.createSsl(caA.certPem());
    const trustB = () => grpc.credentials.createSsl(caB.certPem());
    expect(await decideOver(address, trustA())).toBe('ok');

    // Half a rotation: B's certificate with A's key does not load, so A's pair keeps serving.
    copyFileSync(serverB.cert, live.cert);
    await r.reloadCredentials();
    expect(await decideOver(address, trustA())).toBe('ok');

    // The key follows; the poller (50 ms) picks the pair up without any call from us.
    copyFileSync(serverB.key, live.key);
    let outcome: grpc.ServiceError | 'ok' = await decideOver(address, trustB());
    for (let i = 0; i < 200 && outcome !== 'ok'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      outcome = await decideOver(address, trustB());
    }
    expect(outcome).toBe('ok');
    expect(await decideOver(address, trustA())).not.toBe('ok');
  });
});
