import path from 'node:path';
import { loadLog } from '../evaluation/load-log.js';
import { createProgress } from '../evaluation/progress.js';
import { trainFromLog, type TrainMethod } from '../evaluation/train.js';
import { loadPolicies } from '../policies/load-policies.js';
import { saveModel } from '../policies/model-file.js';
import { DEFAULT_POLICIES, type PolicyConfig } from '../policies/policy-config.js';
import { parseNumber, parseTime, processIo, runCommand, UsageError, type CommandIo } from './command.js';
import { tactError } from '../core/errors.js';

export const TRAIN_USAGE = `usage: tact train --log PATH [--policies FILE --policy NAME] [--method iw|dr] [--clip W] [--out PATH]

Warm-starts a policy's learner from a logged decision stream and saves it with the
policy's config. Serve it with \`warmStart: PATH\` on the policy; evaluate it with
\`tact evaluate --policy PATH\`.

  --log PATH          Tact decision log (or an export of it)
  --policies FILE     policies YAML holding the policy to train (default: the embedded default policy)
  --policy NAME       which policy of the file (default: the file's default)
  --method iw|dr      iw: importance-weighted regression (1/propensity, clipped, default);
                      dr: doubly robust targets for every candidate
  --clip W            largest importance weight (default 100)
  --from T, --to T    time range (ISO date or ms since epoch)
  --out PATH          model file (default models/<policy>.model.json)`;

/** `tact train`: returns the exit code. */
export async function runTrain(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    log: { type: 'string' },
    policies: { type: 'string' },
    policy: { type: 'string' },
    method: { type: 'string', default: 'iw' },
    clip: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
  } as const;
  return runCommand({ name: 'train', usage: TRAIN_USAGE, options }, argv, io, async ({ values: v }) => {
    if (v.log === undefined) throw new UsageError('--log PATH is required');
    if (v.method !== 'iw' && v.method !== 'dr') throw new UsageError(`--method must be iw or dr, got "${v.method}"`);
    const clip = parseNumber('clip', v.clip, (x) => x >= 1, 'must be a number >= 1, got');
    const policy = pickPolicy(v.policies, v.policy);
    const from = parseTime('from', v.from);
    const to = parseTime('to', v.to);
    const progress = createProgress(io.stderr, io.env ?? process.env);
    progress.start('reading', 1);
    const data = await loadLog(v.log, {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.stop();
    if (data.rounds.length === 0) throw tactError('BAD_INPUT_FILE', `no usable rounds in ${v.log} (skipped: ${JSON.stringify(data.skipped)})`);
    progress.start('training', data.rounds.length);
    const method = v.method as TrainMethod;
    const result = trainFromLog(data, policy, {
      method,
      ...(clip !== undefined ? { clip } : {}),
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.stop();
    const out = v.out ?? path.join('models', `${policy.name}.model.json`);
    const { warmStart: _ignored, ...config } = policy;
    await saveModel(out, {
      policy: config,
      learner: result.learner.snapshot(),
      training: { log: v.log, rounds: result.rounds, method, clip: clip ?? 100, clipped: result.clipped, ess: result.ess },
      createdAt: new Date().toISOString(),
    });
    io.stdout.write(
      `trained ${policy.name} (${policy.learner.kind}) on ${result.rounds} rounds of ${data.source} by ${method}: ` +
        `${result.examples} examples, ${result.clipped} weights clipped, weight ESS ${result.ess.toFixed(0)}\n` +
        `saved to ${out}\n`,
    );
  });
}

function pickPolicy(file: string | undefined, name: string | undefined): PolicyConfig {
  const policies = file === undefined ? DEFAULT_POLICIES : loadPolicies(file);
  const wanted = name ?? policies.default ?? policies.policies[0]?.name;
  const found = policies.policies.find((p) => p.name === wanted);
  if (!found) throw new UsageError(`policy "${wanted}" is not in ${file ?? 'the default policies'}`);
  return found;
}
