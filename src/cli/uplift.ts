import { createProgress } from '../evaluation/progress.js';
import { upliftFromLog, type UpliftResult } from '../evaluation/uplift.js';
import { parseNumber, parseTime, processIo, runCommand, UsageError, type CommandIo } from './command.js';

export const UPLIFT_USAGE = `usage: tact uplift --log PATH [--from T] [--to T] [--alpha A] [--json]

Per policy: the treated decisions' mean reward, the control holdout's (customers held
out by the policy's \`holdout\` share, sent nothing), and the difference with a normal
(Welch) interval. A decision's reward is the sum of its outcomes; decisions whose
attribution window is still open at the end of the log are left out.

  --log PATH          Tact decision log
  --from T, --to T    decision time range (ISO date or ms since epoch)
  --alpha A           1 - confidence level (default 0.05)
  --json              one JSON object per policy`;

export async function runUplift(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    log: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    alpha: { type: 'string' },
    json: { type: 'boolean', default: false },
  } as const;
  return runCommand({ name: 'uplift', usage: UPLIFT_USAGE, options }, argv, io, async ({ values: v }) => {
    if (v.log === undefined) throw new UsageError('--log PATH is required');
    const alpha = parseNumber('alpha', v.alpha, (x) => x > 0 && x < 1) ?? 0.05;
    const from = parseTime('from', v.from);
    const to = parseTime('to', v.to);
    const progress = createProgress(io.stderr, io.env ?? process.env);
    progress.start('reading', 1);
    const { results, open } = await upliftFromLog(v.log, {
      alpha,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.stop();
    if (v.json) {
      for (const r of results) io.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    io.stdout.write(formatUplift(results, alpha, open));
  });
}

export function formatUplift(results: readonly UpliftResult[], alpha: number, open: number): string {
  const pct = Math.round((1 - alpha) * 100);
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
  const lines = [
    `${'policy'.padEnd(16)} ${'treated n'.padStart(9)} ${'mean'.padStart(8)} ${'holdout n'.padStart(9)} ${'mean'.padStart(8)} ${'uplift'.padStart(8)}  ${pct}% CI`,
  ];
  for (const r of results) {
    lines.push(
      `${r.policy.padEnd(16)} ${String(r.treated.n).padStart(9)} ${f(r.treated.mean).padStart(8)} ${String(r.holdout.n).padStart(9)} ` +
        `${f(r.holdout.mean).padStart(8)} ${f(r.uplift).padStart(8)}  [${f(r.ciLow)}, ${f(r.ciHigh)}]` +
        (r.holdout.n === 0 ? '  (no holdout: set the policy\'s holdout share)' : ''),
    );
  }
  if (open > 0) lines.push(`${open} decisions left out: their window was still open at the end of the log`);
  return `${lines.join('\n')}\n`;
}
