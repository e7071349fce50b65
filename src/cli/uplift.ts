import { writeFile } from 'node:fs/promises';
import { combinationUpliftFromLog, UPLIFT_KEYS, type CombinationUplift, type UpliftKey } from '../evaluation/combination-uplift.js';
import { createProgress } from '../evaluation/progress.js';
import { forestSvg } from '../evaluation/report.js';
import { upliftFromLog, type UpliftResult } from '../evaluation/uplift.js';
import { parseNumber, parseTime, processIo, runCommand, UsageError, type CommandIo } from './command.js';

export const UPLIFT_USAGE = `usage: tact uplift --log PATH [--from T] [--to T] [--alpha A] [--json]
       tact uplift --log PATH --by trigger,message,channel [--min-count N] [--min-rewarded N] [--json] [--out FILE.json] [--svg FILE.svg]

Per policy: the treated decisions' mean reward, the control holdout's (customers held
out by the policy's \`holdout\` share, sent nothing), and the difference with a normal
(Welch) interval. A decision's reward is the sum of its outcomes; decisions whose
attribution window is still open at the end of the log are left out.

--by: per combination of the listed fields (trigger, message, channel, slot, segment), the money
uplift over no-send with normal intervals: ips and dr (doubly robust) from logged
exploration (decisions where the combination and no-send both had a probability), and
holdout (the combination's IPS value on treated decisions minus the mean of the
trigger's holdout decisions) where the policy keeps one. Combinations where fewer than
--min-count decisions (default 30) chose it or no-send, or whose conversions count for
fewer than --min-rewarded (default 10) once weighted ((sum w r)^2 / sum (w r)^2; no-send's
too, when it converted at all), are flagged "few". \`segment\` is the segment of the
campaign that made the decision ("-" for Decide and trigger decisions); with it, the
holdout compared is the same trigger's and segment's.

  --log PATH          Tact decision log
  --from T, --to T    decision time range (ISO date or ms since epoch)
  --alpha A           1 - confidence level (default 0.05)
  --json              one JSON object per policy (per combination with --by)
  --out FILE          --by: write the combinations as one JSON document
  --svg FILE          --by: write a chart of every estimate with its interval`;

export async function runUplift(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    log: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    alpha: { type: 'string' },
    json: { type: 'boolean', default: false },
    by: { type: 'string' },
    'min-count': { type: 'string' },
    'min-rewarded': { type: 'string' },
    out: { type: 'string' },
    svg: { type: 'string' },
  } as const;
  return runCommand({ name: 'uplift', usage: UPLIFT_USAGE, options }, argv, io, async ({ values: v }) => {
    if (v.log === undefined) throw new UsageError('--log PATH is required');
    const alpha = parseNumber('alpha', v.alpha, (x) => x > 0 && x < 1) ?? 0.05;
    const from = parseTime('from', v.from);
    const to = parseTime('to', v.to);
    const progress = createProgress(io.stderr, io.env ?? process.env);
    progress.start('reading', 1);
    const range = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
    if (v.by !== undefined) {
      const by = parseKeys(v.by);
      const minCount = parseNumber('min-count', v['min-count'], (x) => Number.isInteger(x) && x >= 1) ?? 30;
      const minRewarded = parseNumber('min-rewarded', v['min-rewarded'], (x) => Number.isInteger(x) && x >= 0) ?? 10;
      const { results, skipped } = await combinationUpliftFromLog(v.log, {
        by,
        alpha,
        minCount,
        minRewarded,
        ...range,
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.stop();
      if (v.out !== undefined) await writeFile(v.out, `${JSON.stringify({ by, alpha, minCount, minRewarded, skipped, combinations: results }, null, 2)}\n`);
      if (v.svg !== undefined) await writeFile(v.svg, combinationSvg(results, `Uplift over no-send by ${by.join(' x ')} (${Math.round((1 - alpha) * 100)}% intervals)`));
      if (v.json) for (const r of results) io.stdout.write(`${JSON.stringify(r)}\n`);
      else io.stdout.write(formatCombinations(results, alpha, skipped));
      if (v.out !== undefined) io.stderr.write(`combinations written to ${v.out}\n`);
      if (v.svg !== undefined) io.stderr.write(`chart written to ${v.svg}\n`);
      return;
    }
    const { results, open } = await upliftFromLog(v.log, {
      alpha,
      ...range,
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

function parseKeys(raw: string): UpliftKey[] {
  const keys = raw.split(',').map((k) => k.trim()).filter((k) => k !== '');
  if (keys.length === 0) throw new UsageError('--by: give one or more of trigger, message, channel, slot, segment');
  for (const k of keys) {
    if (!(UPLIFT_KEYS as readonly string[]).includes(k)) throw new UsageError(`--by: unknown field "${k}" (trigger, message, channel, slot, segment)`);
  }
  if (new Set(keys).size !== keys.length) throw new UsageError('--by: a field is listed twice');
  return keys as UpliftKey[];
}

const label = (r: CombinationUplift): string => Object.values(r.key).join(' x ');

export function formatCombinations(results: readonly CombinationUplift[], alpha: number, skipped: Readonly<Record<string, number>>): string {
  const pct = Math.round((1 - alpha) * 100);
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  const ci = (e: { value: number; ciLow: number; ciHigh: number } | undefined) => (e ? `${f(e.value)} [${f(e.ciLow)}, ${f(e.ciHigh)}]` : '-');
  const header = ['combination', 'decisions', 'chose it', 'rewarded', 'no-send', 'rewarded', 'holdout', `ips (${pct}% CI)`, `dr (${pct}% CI)`, `holdout (${pct}% CI)`, ''];
  const rows = results.map((r) => [
    label(r),
    String(r.decisions),
    String(r.chosen),
    String(r.chosenRewarded),
    String(r.noSendChosen),
    String(r.noSendRewarded),
    String(r.holdoutDecisions),
    ci(r.ips),
    ci(r.dr),
    ci(r.holdout),
    r.tooLittleData ? 'few' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 || i >= 7 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const left = Object.entries(skipped).map(([why, n]) => `${n} ${why}`);
  return [
    line(header),
    ...rows.map(line),
    ...(left.length > 0 ? [`left out: ${left.join(', ')}`] : []),
    'uplift = reward per decision with the combination sent minus with nothing sent (reward units, gross of channel cost)',
  ].join('\n') + '\n';
}

function combinationSvg(results: readonly CombinationUplift[], title: string): string {
  return forestSvg(
    results.map((r) => ({ label: `${label(r)}${r.tooLittleData ? ' (few)' : ''}`, rows: { ips: r.ips, dr: r.dr, holdout: r.holdout } })),
    ['ips', 'dr', 'holdout'],
    title,
  );
}
