/**
 * The long run of the property suite (test/integrity/properties.test.ts runs
 * 12 sequences in npm test): many random sequences of every DecisionService
 * call against one real gRPC server, with the same checks after each (every
 * answer OK or a client error, learners finite, caps and consent held), then
 * ordinary traffic that must still learn. Prints what it did and writes
 * bench/results/integrity-properties.md.
 *   npx tsx bench/integrity-properties.ts [--runs 300] [--max-length 30] [--seed 20261202]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { serve } from '../src/cli/serve.js';
import { AttackRunner, commandArb, ordinaryTrafficAccuracy } from '../test/support/attack.js';
import { TestClient } from '../test/support/grpc-client.js';
import { testConfig } from '../test/support/served.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '300' }, 'max-length': { type: 'string', default: '30' }, seed: { type: 'string', default: '20261202' } },
});
const runs = Number(values.runs);
const maxLength = Number(values['max-length']);
const seed = Number(values.seed);

const running = await serve(testConfig({ seed: 21 }));
const client = new TestClient(`127.0.0.1:${running.grpc.port}`);
try {
  const runner = new AttackRunner(client, () => [running]);
  const started = Date.now();
  let failure: string | undefined;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb(Date.now()), { minLength: 1, maxLength }), (commands) => runner.run(commands)),
      { seed, numRuns: runs, endOnFailure: true },
    );
  } catch (err) {
    failure = (err as Error).message;
  }
  const seconds = (Date.now() - started) / 1000;
  if (failure) process.stderr.write(`property failed: ${failure}\n`);
  let accuracy = Number.NaN;
  try {
    accuracy = await ordinaryTrafficAccuracy(client, 400, 150, 'after-long-run');
    runner.checkLearners();
  } catch (err) {
    failure ??= `after the run: ${(err as Error).message}`;
  }
  const { calls, rejected, sends } = runner.counts;
  const lines = [
    `# Property suite, long run (${new Date().toISOString()})`,
    '',
    `\`npx tsx bench/integrity-properties.ts --runs ${runs} --max-length ${maxLength} --seed ${seed}\`: one in-process gRPC server (memory state),`,
    'random sequences of Decide, Reward, RewardStream, RecordEvent, SetConsent and ForgetCustomer over three customers',
    '(test/support/attack.ts), every answer checked (OK or a client error), learners finite and the contact-rule model held',
    'after every sequence; then 400 rounds of ordinary two-segment traffic, the last 150 measured.',
    '',
    '| sequences | calls | refused (client errors) | marketing sends checked | time | failure | ordinary traffic after: share of best action |',
    '|---|---|---|---|---|---|---|',
    `| ${runs} | ${calls} | ${rejected} | ${sends} | ${seconds.toFixed(1)} s | ${failure ? failure.split('\n')[0] : 'none'} | ${accuracy.toFixed(3)} |`,
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  writeFileSync(new URL('./results/integrity-properties.md', import.meta.url), text);
  if (failure) process.exitCode = 1;
} finally {
  client.close();
  await running.stop();
}
