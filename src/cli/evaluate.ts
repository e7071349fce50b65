import { evaluatePolicy, type EstimatorOptions, type EvaluationResult, type IntervalKind } from '../evaluation/estimators.js';
import { loadLog, type LogFormat } from '../evaluation/load-log.js';
import type { LoggedData } from '../evaluation/logged-data.js';
import { savedModelResolver, policyFileResolver } from '../evaluation/learner-policies.js';
import { builtinPolicies, resolvePolicy } from '../evaluation/policies.js';
import { createProgress, type Progress } from '../evaluation/progress.js';
import { formatEvaluation, toJson } from '../evaluation/report.js';
import { fitActionMeanModel, type RewardModel } from '../evaluation/reward-model.js';
import { parseNumber, parseTime, processIo, runCommand, UsageError, type CommandIo, type OptionValues } from './command.js';
import { tactError } from '../core/errors.js';

/** Callers of runEvaluate type their io with it. */
export type { CommandIo } from './command.js';

/** Options shared by `evaluate` and `compare`. */
export interface EvaluationArgs {
  readonly log: string;
  readonly format: LogFormat | undefined;
  readonly policies: readonly string[];
  readonly json: boolean;
  readonly svg: string | undefined;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly position: number | undefined;
  readonly estimator: EstimatorOptions & { alpha: number; tinyPropensity: number };
}

/** The options `evaluate` and `compare` parse. */
export const EVALUATION_OPTIONS = {
  log: { type: 'string' },
  format: { type: 'string' },
  policy: { type: 'string', multiple: true },
  clip: { type: 'string' },
  bootstrap: { type: 'string' },
  interval: { type: 'string' },
  alpha: { type: 'string' },
  seed: { type: 'string' },
  tiny: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  position: { type: 'string' },
  svg: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export const EVALUATION_OPTIONS_HELP = `  --log PATH          Tact JSONL decision log, or an OBD directory / CSV (autodetected)
  --format tact|obd   force the log format
  --policy SPEC       policy to evaluate: uniform | greedy-dm | logging | always:ACTION_ID
                      | FILE.yaml#NAME (replays the log, learning by rejection; #NAME!frozen: no learning)
                      | PATH.model.json (a model saved by tact train, scored frozen)
  --clip W            clip importance weights at W (clipped weights are reported)
  --bootstrap N       bootstrap resamples (default 1000)
  --interval KIND     bootstrap (default) | normal
  --alpha A           1 - confidence level (default 0.05)
  --seed S            bootstrap seed (default 0)
  --tiny P            flag propensities below P (default 1e-3)
  --from T, --to T    time range (ISO date or ms since epoch), from inclusive, to exclusive
  --position N        OBD only: evaluate one slot (default: all rows, position ignored)
  --json              print JSON instead of a table`;

/** Checks the parsed evaluation options and fills in the defaults. */
export function parseEvaluationArgs(v: OptionValues<typeof EVALUATION_OPTIONS>, opts: { multiplePolicies: boolean }): EvaluationArgs {
  if (v.log === undefined) throw new UsageError('--log PATH is required');
  if (v.format !== undefined && v.format !== 'tact' && v.format !== 'obd') throw new UsageError(`--format must be tact or obd, got "${v.format}"`);
  if (v.interval !== undefined && v.interval !== 'bootstrap' && v.interval !== 'normal') {
    throw new UsageError(`--interval must be bootstrap or normal, got "${v.interval}"`);
  }
  const policies = v.policy ?? [];
  if (!opts.multiplePolicies && policies.length > 1) throw new UsageError('evaluate takes one --policy; use compare for several');
  const clip = parseNumber('clip', v.clip, (x) => x > 0);
  const bootstrap = parseNumber('bootstrap', v.bootstrap, (x) => Number.isInteger(x) && x >= 1);
  const seed = parseNumber('seed', v.seed, Number.isInteger);
  const alpha = parseNumber('alpha', v.alpha, (x) => x > 0 && x < 1) ?? 0.05;
  const tinyPropensity = parseNumber('tiny', v.tiny, (x) => x >= 0 && x < 1) ?? 1e-3;
  return {
    log: v.log,
    format: v.format as LogFormat | undefined,
    policies: policies.length > 0 ? policies : opts.multiplePolicies ? ['uniform', 'greedy-dm'] : ['uniform'],
    json: v.json === true,
    svg: v.svg,
    from: parseTime('from', v.from),
    to: parseTime('to', v.to),
    position: parseNumber('position', v.position, Number.isInteger),
    estimator: {
      alpha,
      tinyPropensity,
      ...(clip !== undefined ? { clip } : {}),
      ...(bootstrap !== undefined ? { bootstrap } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(v.interval !== undefined ? { interval: v.interval as IntervalKind } : {}),
    },
  };
}

export interface LoadedEvaluation {
  readonly data: LoggedData;
  readonly rewardModel: RewardModel;
  readonly results: readonly EvaluationResult[];
}

/** Load the log once, then estimate each policy on it; progress goes to stderr. */
export async function runEvaluations(args: EvaluationArgs, io: CommandIo, progress: Progress): Promise<LoadedEvaluation> {
  progress.start('reading', 1);
  const data = await loadLog(args.log, {
    ...(args.format !== undefined ? { format: args.format } : {}),
    ...(args.from !== undefined ? { from: args.from } : {}),
    ...(args.to !== undefined ? { to: args.to } : {}),
    ...(args.position !== undefined ? { position: args.position } : {}),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.stop();
  if (data.rounds.length === 0) throw tactError('BAD_INPUT_FILE', `no usable rounds in ${args.log} (skipped: ${JSON.stringify(data.skipped)})`);
  const rewardModel = fitActionMeanModel(data);
  const resolvers = [...(io.resolvers ?? []), savedModelResolver, policyFileResolver, builtinPolicies];
  const results: EvaluationResult[] = [];
  for (const spec of args.policies) {
    const policy = await resolvePolicy(spec, { data, rewardModel }, resolvers);
    progress.start(policy.name.slice(0, 12), args.estimator.bootstrap ?? 1000);
    results.push(
      evaluatePolicy(data, policy, {
        ...args.estimator,
        rewardModel,
        onProgress: (done, total) => progress.update(done, total),
      }),
    );
    progress.stop();
  }
  return { data, rewardModel, results };
}

export const EVALUATE_USAGE = `usage: tact evaluate --log PATH [--policy SPEC] [options]

Estimates a policy's value on a logged decision stream with IPS, self-normalised IPS,
the direct method (per-action mean reward model) and doubly robust.

${EVALUATION_OPTIONS_HELP}`;

/** `tact evaluate`: returns the exit code. */
export async function runEvaluate(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  return runCommand({ name: 'evaluate', usage: EVALUATE_USAGE, options: EVALUATION_OPTIONS }, argv, io, async ({ values }) => {
    const args = parseEvaluationArgs(values, { multiplePolicies: false });
    const progress = createProgress(io.stderr, io.env ?? process.env);
    const { data, results } = await runEvaluations(args, io, progress);
    const result = results[0] as EvaluationResult;
    if (args.json) {
      io.stdout.write(`${JSON.stringify(toJson(result, data.source, data.skipped))}\n`);
    } else {
      io.stdout.write(
        `${formatEvaluation(result, data.source, {
          alpha: args.estimator.alpha,
          tinyPropensity: args.estimator.tinyPropensity,
          skipped: data.skipped,
        })}\n`,
      );
    }
  });
}
