import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportLog } from '../evaluation/export-log.js';
import { createProgress } from '../evaluation/progress.js';
import { parseNumber, parseTime, processIo, runCommand, UsageError, type CommandIo } from './command.js';

export const EXPORT_USAGE = `usage: tact export --log PATH [--from T] [--to T] [--out PATH|-]

Streams the decision log joined with its outcomes, one JSON object per decision
(the decision line plus "outcomes" and the rank-1 "reward", null while its window
is open), in log order and constant memory. \`tact evaluate --log\` reads the result.

  --log PATH        Tact decision log (JSON lines, as written by --decision-log)
  --from T, --to T  decision time range (ISO date or ms since epoch), from inclusive, to exclusive
  --out PATH|-      where to write (default: - , standard output)
  --slack-ms MS     how long after a window closes outcomes may still appear (default 60000)`;

/** `tact export`: returns the exit code. */
export async function runExport(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    log: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string', default: '-' },
    'slack-ms': { type: 'string' },
  } as const;
  return runCommand({ name: 'export', usage: EXPORT_USAGE, options }, argv, io, async ({ values: v }) => {
    if (v.log === undefined) throw new UsageError('--log PATH is required');
    const from = parseTime('from', v.from);
    const to = parseTime('to', v.to);
    const slack = parseNumber('slack-ms', v['slack-ms'], (x) => x >= 0);
    const file: WriteStream | undefined = v.out === '-' ? undefined : createWriteStream(v.out);
    const write = async (chunk: string): Promise<void> => {
      // Respect back-pressure so a large export never buffers the whole log in memory.
      if (file) {
        if (!file.write(chunk)) await once(file, 'drain');
      } else io.stdout.write(chunk);
    };
    const progress = createProgress(io.stderr, io.env ?? process.env);
    progress.start('exporting', 1);
    try {
      const s = await exportLog(v.log, write, {
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(slack !== undefined ? { slackMs: slack } : {}),
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.stop();
      io.stderr.write(
        `exported ${s.decisions} decisions (${s.withOutcome} with outcome, ${s.open} still open, ${s.holdout} holdout; ` +
          `${s.outsideRange} outside the range; peak ${s.peakPending} held)${file ? ` to ${v.out}` : ''}\n`,
      );
    } finally {
      progress.stop();
      if (file) await new Promise<void>((resolve) => file.end(resolve));
    }
  });
}
