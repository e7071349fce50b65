import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { AttackRunner, commandArb, ordinaryTrafficAccuracy } from '../support/attack.js';
import { TestClient } from '../support/grpc-client.js';

const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 21 });

describe('property: no request sequence breaks the server, a learner or a rule', () => {
  let running: RunningTact;
  let client: TestClient;

  beforeAll(async () => {
    running = await serve(config);
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('answers every call with OK or a client error, keeps learners finite and caps and consent held; ordinary traffic still learns', async () => {
    const runner = new AttackRunner(client, () => [running]);
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb(Date.now()), { minLength: 1, maxLength: 14 }), (commands) => runner.run(commands)),
      { seed: 20261202, numRuns: 12, endOnFailure: true },
    );
    expect(runner.counts.calls).toBeGreaterThan(50);
    expect(runner.counts.sends).toBeGreaterThan(5);
    const accuracy = await ordinaryTrafficAccuracy(client, 160, 60, 'after');
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    runner.checkLearners();
  });
});
