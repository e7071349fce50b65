import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/export.js';
import { exportLog, type ExportedDecision } from '../../src/evaluation/export-log.js';
import { readTactLog } from '../../src/evaluation/tact-log-reader.js';
import { memoryIo, writeWorldLog } from './world-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tact-export-'));
const start = Date.UTC(2025, 0, 1);

describe('tact export', () => {
  const log = path.join(dir, 'decisions.jsonl');
  const lines = writeWorldLog(log, { rounds: 600, seed: 3, start, stepMs: 1000, windowMs: 60_000 });

  it('keeps exactly the decisions in [from, to) and joins each with its own outcome', async () => {
    const from = start + 100_000;
    const to = start + 300_000;
    const rows: ExportedDecision[] = [];
    const summary = await exportLog(log, (l) => void rows.push(JSON.parse(l) as ExportedDecision), { from, to });
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => r.at >= from && r.at < to)).toBe(true);
    expect(summary).toMatchObject({ decisions: 200, withOutcome: 200, open: 0, outsideRange: 400 });
    // Every exported reward is the one the log's outcome line says, for that decision and its rank-1 action.
    const truth = new Map<string, number>();
    for (const l of lines) if (l.type === 'outcome') truth.set(l.decisionId, l.value);
    for (const r of rows) {
      expect(r.outcomes).toHaveLength(1);
      expect(r.outcomes[0]!.actionId).toBe(r.chosen[0]);
      expect(r.reward).toBe(truth.get(r.decisionId));
    }
    // In log order.
    expect(rows.map((r) => r.at)).toEqual([...rows.map((r) => r.at)].sort((a, b) => a - b));
  });

  it('holds only decisions whose windows are open, not the whole log', async () => {
    const summary = await exportLog(log, () => {}, {});
    // 60 s window, one decision a second, 60 s slack: about 121 held at most, out of 600.
    expect(summary.peakPending).toBeLessThan(130);
    expect(summary.decisions).toBe(600);
  });

  it('reports decisions whose window is still open at the end of the log as open (reward null)', async () => {
    const cut = path.join(dir, 'cut.jsonl');
    const text = readFileSync(log, 'utf8').split('\n');
    // Drop the outcome lines of the last decisions by truncating the file at the last decision line.
    const lastDecision = text.map((l) => l.includes('"type":"decision"')).lastIndexOf(true);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cut, text.slice(0, lastDecision + 1).join('\n') + '\n');
    const rows: ExportedDecision[] = [];
    const s = await exportLog(cut, (l) => void rows.push(JSON.parse(l) as ExportedDecision));
    expect(s.open).toBeGreaterThan(0);
    expect(rows.filter((r) => r.reward === null)).toHaveLength(s.open);
  });

  it('writes a file that evaluate reads with the same rounds as the raw log', async () => {
    const out = path.join(dir, 'export.jsonl');
    const m = memoryIo();
    const code = await runExport(['--log', log, '--from', new Date(start + 100_000).toISOString(), '--to', String(start + 300_000), '--out', out], m.io);
    expect(code).toBe(0);
    expect(m.err()).toContain('exported 200 decisions');
    const exported = await readTactLog(out);
    const raw = await readTactLog(log, { from: start + 100_000, to: start + 300_000 });
    expect(exported.rounds.map((r) => [r.id, r.reward, r.propensity])).toEqual(raw.rounds.map((r) => [r.id, r.reward, r.propensity]));
  });

  it('refuses a bad time', async () => {
    const m = memoryIo();
    expect(await runExport(['--log', log, '--from', 'yesterday'], m.io)).toBe(2);
    expect(m.err()).toContain('--from');
  });
});
