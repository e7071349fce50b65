import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/export.js';
import { DECISION_COLUMNS, type DecisionRow } from '../../src/evaluation/export-rows.js';
import { memoryIo, writeWorldLog } from './world-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tact-export-formats-'));
const start = Date.UTC(2025, 0, 1);
const log = path.join(dir, 'decisions.jsonl');
const lines = writeWorldLog(log, { rounds: 120, seed: 5, start, stepMs: 1000, windowMs: 60_000 });
const truth = new Map<string, number>();
for (const l of lines) if (l.type === 'outcome') truth.set(l.decisionId, l.value);
const decisions = lines.filter((l) => l.type === 'decision');

/** Minimal RFC 4180 reader (quoted fields, doubled quotes), as a spreadsheet would read the file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += ch;
  }
  return rows;
}

function checkRows(rows: Array<Record<string, unknown>>): void {
  expect(rows).toHaveLength(decisions.length);
  for (const [i, r] of rows.entries()) {
    const d = decisions[i]!;
    if (d.type !== 'decision') throw new Error('unreachable');
    expect(r['decision_id']).toBe(d.decisionId);
    expect(r['action_id']).toBe(d.chosen[0]);
    expect(Number(r['propensity'])).toBeCloseTo(d.probabilities[0]!, 12);
    expect(Number(r['reward'])).toBeCloseTo(truth.get(d.decisionId)!, 12);
    expect(String(r['window_closed'])).toBe('true');
    expect(new Date(r['at'] as string | Date).getTime()).toBe(d.at);
  }
}

describe('tact export --format jsonl|csv|parquet: one flat row per decision, read back', () => {
  it('jsonl: one object per decision with exactly the documented columns', async () => {
    const m = memoryIo();
    expect(await runExport(['--log', log, '--format', 'jsonl'], m.io)).toBe(0);
    const rows = m.out().trim().split('\n').map((l) => JSON.parse(l) as DecisionRow);
    expect(Object.keys(rows[0]!)).toEqual(DECISION_COLUMNS.map((c) => c.name));
    checkRows(rows as unknown as Array<Record<string, unknown>>);
  });

  it('csv: a header and one line per decision', async () => {
    const out = path.join(dir, 'decisions.csv');
    expect(await runExport(['--log', log, '--format', 'csv', '--out', out], memoryIo().io)).toBe(0);
    const [header, ...body] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual(DECISION_COLUMNS.map((c) => c.name));
    checkRows(body.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]]))));
  });

  it('parquet: typed columns hyparquet reads back', async () => {
    const out = path.join(dir, 'decisions.parquet');
    expect(await runExport(['--log', log, '--format', 'parquet', '--out', out], memoryIo().io)).toBe(0);
    const bytes = readFileSync(out);
    const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Array<Record<string, unknown>>;
    expect(Object.keys(rows[0]!)).toEqual(DECISION_COLUMNS.map((c) => c.name));
    expect(typeof rows[0]!['propensity']).toBe('number');
    expect(rows[0]!['at']).toBeInstanceOf(Date);
    checkRows(rows);
  });

  it('rejects an unknown format and parquet to stdout (exit 2)', async () => {
    expect(await runExport(['--log', log, '--format', 'xlsx'], memoryIo().io)).toBe(2);
    expect(await runExport(['--log', log, '--format', 'parquet'], memoryIo().io)).toBe(2);
  });
});

describe('the documented schema', () => {
  it('docs/decision-row.schema.json and the docs table name exactly the exported columns', () => {
    const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
    const schema = JSON.parse(readFileSync(path.join(root, 'docs/decision-row.schema.json'), 'utf8')) as { required: string[]; properties: Record<string, { type: string | string[] }> };
    expect(Object.keys(schema.properties)).toEqual(DECISION_COLUMNS.map((c) => c.name));
    for (const c of DECISION_COLUMNS) expect(Array.isArray(schema.properties[c.name]!.type), c.name).toBe(c.nullable);
    const doc = readFileSync(path.join(root, 'docs/data-scientists.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `(\w+)` \| [^|]+ \| (yes|no) \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(DECISION_COLUMNS.map((c) => c.name));
  });
});
