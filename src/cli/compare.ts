import { writeFile } from 'node:fs/promises';
import { createProgress } from '../evaluation/progress.js';
import { comparisonSvg, formatComparison, toJson } from '../evaluation/report.js';
import { processIo, runCommand, type CommandIo } from './command.js';
import { EVALUATION_OPTIONS, EVALUATION_OPTIONS_HELP, parseEvaluationArgs, runEvaluations } from './evaluate.js';

export const COMPARE_USAGE = `usage: tact compare --log PATH --policy SPEC --policy SPEC ... [--svg PATH] [options]

Estimates several policies on one log (default: uniform and greedy-dm) and prints one table;
--svg writes a chart of every estimate with its interval.

${EVALUATION_OPTIONS_HELP}
  --svg PATH          write the chart to PATH`;

/** `tact compare`: returns the exit code. */
export async function runCompare(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  return runCommand({ name: 'compare', usage: COMPARE_USAGE, options: EVALUATION_OPTIONS }, argv, io, async ({ values }) => {
    const args = parseEvaluationArgs(values, { multiplePolicies: true });
    const progress = createProgress(io.stderr, io.env ?? process.env);
    const { data, results } = await runEvaluations(args, io, progress);
    if (args.svg !== undefined) {
      await writeFile(args.svg, comparisonSvg(results, `Policy value on ${data.source} (${data.rounds.length} rounds)`));
    }
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ source: data.source, policies: results.map((r) => toJson(r, data.source, data.skipped)) })}\n`);
    } else {
      io.stdout.write(`${formatComparison(results, data.source, args.estimator.alpha)}\n`);
      if (args.svg !== undefined) io.stdout.write(`chart written to ${args.svg}\n`);
    }
  });
}
