import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportLog, type ExportedDecision } from '../evaluation/export-log.js';
import { csvHeader, csvLine, DECISION_COLUMNS, toDecisionRow, type DecisionRow } from '../evaluation/export-rows.js';
import { createProgress } from '../evaluation/progress.js';
import { parseNumber, parseTime, processIo, runCommand, UsageError, type CommandIo } from './command.js';

export const EXPORT_USAGE = `usage: tact export --log PATH [--format log|jsonl|csv|parquet] [--from T] [--to T] [--out PATH|-]

Streams the decision log joined with its outcomes, one record per decision, in log
order. --format log (the default) writes each decision line with its "outcomes" and
the rank-1 "reward" (null while its window is open): \`tact evaluate --log\` reads it.
jsonl, csv and parquet write one flat row per decision (rank-1 action, channel,
propensity, score, reward, reward_source, window_closed, ...; the columns are
documented in docs/data-scientists.md) for pandas, SQL or a spreadsheet.

  --log PATH        Tact decision log (JSON lines, as written by --decision-log)
  --format F        log (default), jsonl, csv or parquet (parquet needs --out PATH)
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
    format: { type: 'string', default: 'log' },
    'slack-ms': { type: 'string' },
  } as const;
  return runCommand({ name: 'export', usage: EXPORT_USAGE, options }, argv, io, async ({ values: v }) => {
    if (v.log === undefined) throw new UsageError('--log PATH is required');
    const format = v.format;
    if (format !== 'log' && format !== 'jsonl' && format !== 'csv' && format !== 'parquet') {
      throw new UsageError(`--format: expected log, jsonl, csv or parquet, got "${format}"`);
    }
    if (format === 'parquet' && v.out === '-') throw new UsageError('--format parquet writes a file: give --out PATH');
    const from = parseTime('from', v.from);
    const to = parseTime('to', v.to);
    const slack = parseNumber('slack-ms', v['slack-ms'], (x) => x >= 0);
    const file: WriteStream | undefined = v.out === '-' || format === 'parquet' ? undefined : createWriteStream(v.out);
    const write = async (chunk: string): Promise<void> => {
      // Respect back-pressure so a large export never buffers the whole log in memory.
      if (file) {
        if (!file.write(chunk)) await once(file, 'drain');
      } else io.stdout.write(chunk);
    };
    const progress = createProgress(io.stderr, io.env ?? process.env);
    progress.start('exporting', 1);
    try {
      const parquetRows: DecisionRow[] = [];
      if (format === 'csv') await write(csvHeader());
      const emit = (line: string): Promise<void> | void => {
        if (format === 'log') return write(line);
        const row = toDecisionRow(JSON.parse(line) as ExportedDecision);
        if (format === 'parquet') parquetRows.push(row);
        else return write(format === 'csv' ? csvLine(row) : `${JSON.stringify(row)}\n`);
      };
      const s = await exportLog(v.log, emit, {
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(slack !== undefined ? { slackMs: slack } : {}),
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.stop();
      if (format === 'parquet') await writeParquet(v.out, parquetRows);
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

/** Parquet via hyparquet-writer: one file, the rows held until the log is read (a column file is written whole). */
async function writeParquet(out: string, rows: readonly DecisionRow[]): Promise<void> {
  const { parquetWriteFile } = await import('hyparquet-writer');
  parquetWriteFile({
    filename: out,
    columnData: DECISION_COLUMNS.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      data: rows.map((r) => (c.type === 'TIMESTAMP' ? new Date(r[c.name] as string) : r[c.name])),
    })),
  });
}
