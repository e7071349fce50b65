import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCompare } from '../../src/cli/compare.js';
import { runTrain } from '../../src/cli/train.js';
import { evaluatePolicy } from '../../src/evaluation/estimators.js';
import { savedModelResolver, policyFileResolver } from '../../src/evaluation/learner-policies.js';
import { readTactLog } from '../../src/evaluation/tact-log-reader.js';
import { fitActionMeanModel } from '../../src/evaluation/reward-model.js';
import { uniformPolicy, type LoggedData } from '../../src/evaluation/logged-data.js';
import { loadPolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { memoryIo, OPTIMAL_VALUE, UNIFORM_VALUE, writeWorldLog } from './world-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tact-train-'));
const trainLog = path.join(dir, 'train.jsonl');
const testLog = path.join(dir, 'test.jsonl');
// A skewed logger (favours a0 everywhere): regression without weights would learn a0's contexts best.
writeWorldLog(trainLog, { rounds: 3000, seed: 11, logging: () => [0.55, 0.15, 0.15, 0.15] });
// Held-out uniform log, a different seed: evaluation never sees the training rounds.
writeWorldLog(testLog, { rounds: 4000, seed: 12, start: Date.UTC(2025, 1, 1) });

const policiesYaml = path.join(dir, 'policies.yaml');
writeFileSync(
  policiesYaml,
  `default: champion
policies:
  - name: champion
    exploration: { kind: epsilon-greedy, epsilon: 0.05 }
  - name: warm
    warmStart: ${path.join(dir, 'warm.model.json')}
    exploration: { kind: epsilon-greedy, epsilon: 0.05 }
`,
);

async function value(spec: string, data: LoggedData) {
  const ctx = { data, rewardModel: fitActionMeanModel(data) };
  const policy = (await savedModelResolver.resolve(spec, ctx)) ?? (await policyFileResolver.resolve(spec, ctx));
  if (!policy) throw new Error(`unresolved ${spec}`);
  return evaluatePolicy(data, policy, { bootstrap: 200 });
}

describe('tact train then evaluate', () => {
  for (const method of ['iw', 'dr'] as const) {
    it(`${method}: the warm-started policy beats uniform on a held-out log from a known world`, async () => {
      const out = path.join(dir, `${method}.model.json`);
      const m = memoryIo();
      const code = await runTrain(['--log', trainLog, '--policies', policiesYaml, '--policy', 'champion', '--method', method, '--out', out], m.io);
      expect(m.err()).toBe('');
      expect(code).toBe(0);
      expect(m.out()).toContain(`saved to ${out}`);
      const data = await readTactLog(testLog);
      const warm = await value(out, data);
      const uniform = evaluatePolicy(data, uniformPolicy, { bootstrap: 200 });
      const snips = warm.estimators.snips;
      expect(uniform.estimators.snips.value).toBeCloseTo(UNIFORM_VALUE, 1);
      // Separated intervals, and close to the best achievable (epsilon 0.05 costs a little).
      expect(snips.ciLow).toBeGreaterThan(uniform.estimators.snips.ciHigh);
      expect(snips.value).toBeGreaterThan(OPTIMAL_VALUE - 0.08);
    });
  }

  it('the server loads the saved model for a policy with warmStart', async () => {
    const m = memoryIo();
    await runTrain(['--log', trainLog, '--policies', policiesYaml, '--policy', 'champion', '--out', path.join(dir, 'warm.model.json')], m.io);
    const set = PolicySet.fromConfig(loadPolicies(policiesYaml));
    expect(set.get('warm').learner.updates).toBe(set.get('warm').learner.snapshot().updates);
    expect(set.get('warm').learner.updates).toBeGreaterThan(2000);
    expect(set.get('champion').learner.updates).toBe(0);
  });

  it('a policies-file policy replays the log learning by rejection and ends near the best policy', async () => {
    const data = await readTactLog(testLog);
    const replay = await value(`${policiesYaml}#champion`, data);
    expect(replay.estimators.snips.value).toBeGreaterThan(UNIFORM_VALUE + 0.15);
  });

  it('compare prints the saved model and the replayed policy next to uniform', async () => {
    const m = memoryIo();
    const code = await runCompare(['--log', testLog, '--policy', 'uniform', '--policy', path.join(dir, 'iw.model.json'), '--policy', `${policiesYaml}#champion`, '--bootstrap', '100'], m.io);
    expect(m.err()).toBe('');
    expect(code).toBe(0);
    expect(m.out()).toContain('champion(iw.model.json)');
  });
});
