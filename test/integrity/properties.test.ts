import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttackRunner, commandArb, ordinaryTrafficAccuracy } from '../support/attack.js';
import { serveSuite } from '../support/served.js';

describe('property: no request sequence breaks the server, a learner or a rule', () => {
  const server = serveSuite({ seed: 21 });

  it('answers every call with OK or a client error, keeps learners finite and caps and consent held; ordinary traffic still learns', async () => {
    const runner = new AttackRunner(server.client, () => [server.running]);
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb(Date.now()), { minLength: 1, maxLength: 14 }), (commands) => runner.run(commands)),
      { seed: 20261202, numRuns: 12, endOnFailure: true },
    );
    expect(runner.counts.calls).toBeGreaterThan(50);
    expect(runner.counts.sends).toBeGreaterThan(5);
    const accuracy = await ordinaryTrafficAccuracy(server.client, 160, 60, 'after');
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    runner.checkLearners();
  });
});
