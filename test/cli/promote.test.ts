import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPromote } from '../../src/cli/promote.js';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { TestClient } from '../support/grpc-client.js';
import { memoryIo } from './world-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tact-promote-'));
const policies = path.join(dir, 'policies.yaml');
writeFileSync(
  policies,
  `default: alpha
policies:
  - name: alpha
  - name: beta
    exploration: { kind: squarecb }
  - name: gamma
    shadow: true
`,
);

describe('tact promote through gRPC', () => {
  let running: RunningTact;
  let client: TestClient;
  let target: string;
  let dataPort: string;
  const servedBy = async () =>
    (await client.decide({ customer_id: 'c1', trigger: 't', candidates: [{ id: 'x' }, { id: 'y' }] })).model_version.split('@')[0];

  beforeAll(async () => {
    running = await serve(
      configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', adminListen: '127.0.0.1:0', logLevel: 'silent', seed: 1, policies }),
    );
    target = `127.0.0.1:${running.admin?.port}`;
    dataPort = `127.0.0.1:${running.grpc.port}`;
    client = new TestClient(dataPort);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('switches the policy answering default requests, and rolls back', async () => {
    expect(await servedBy()).toBe('alpha');
    let m = memoryIo();
    expect(await runPromote(['beta', '--target', target], m.io)).toBe(0);
    expect(m.out()).toContain('promoted beta (previous champion: alpha');
    expect(await servedBy()).toBe('beta');

    m = memoryIo();
    expect(await runPromote(['--list', '--target', target], m.io)).toBe(0);
    expect(m.out()).toMatch(/champion: beta\s+rollback history: alpha/);
    expect(m.out()).toMatch(/gamma\s+shadow/);

    m = memoryIo();
    expect(await runPromote(['--rollback', '--target', target], m.io)).toBe(0);
    expect(m.out()).toContain('rolled back: beta -> alpha');
    expect(await servedBy()).toBe('alpha');
  });

  it('is served on the admin port only: the data port says where to go', async () => {
    const m = memoryIo();
    expect(await runPromote(['--list', '--target', dataPort], m.io)).toBe(1);
    expect(m.err()).toContain('UNIMPLEMENTED: tact.v1.PolicyAdmin is served on the admin port only (start the server with --admin-listen)');
  });

  it('reports unknown policies and an empty history as errors', async () => {
    let m = memoryIo();
    expect(await runPromote(['nope', '--target', target], m.io)).toBe(1);
    expect(m.err()).toContain('NOT_FOUND');
    m = memoryIo();
    expect(await runPromote(['--rollback', '--target', target], m.io)).toBe(1);
    expect(m.err()).toContain('FAILED_PRECONDITION');
    m = memoryIo();
    expect(await runPromote(['--target', target], m.io)).toBe(2);
  });

  it('shadow scoring follows the champion: the shadow logs a live estimate once it has rounds', async () => {
    for (let i = 0; i < 5; i++) {
      const d = await client.decide({ customer_id: `s${i}`, trigger: 't', candidates: [{ id: 'x' }, { id: 'y' }] });
      await client.reward({ decision_id: d.decision_id, value: 1 });
    }
    const live = running.tact.policies.get('gamma').liveEstimate();
    expect(live?.rounds).toBe(5);
  });
});
