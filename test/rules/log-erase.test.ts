import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecisionLogSink, LogLine } from '../../src/decision/log-entry.js';
import { JsonlFileLogSink, MemoryLogSink } from '../../src/decision/log-sinks.js';

const decision = (decisionId: string, customerId: string): LogLine => ({
  type: 'decision',
  decisionId,
  customerId,
  policy: 'p',
  modelVersion: 'p@0',
  mode: 'online',
  at: 0,
  trigger: 't',
  context: { numeric: {}, categorical: {} },
  candidates: [],
  chosen: ['a'],
  probabilities: [1],
  holdout: false,
});
const outcome = (decisionId: string): LogLine => ({ type: 'outcome', decisionId, actionId: 'a', value: 1, source: 'reward', at: 1 });

async function exercise(sink: DecisionLogSink): Promise<number> {
  sink.append(decision('d1', 'gone'));
  sink.append(decision('d2', 'kept'));
  sink.append(outcome('d1'));
  await sink.flush();
  sink.append(outcome('d2'));
  sink.append(outcome('d1')); // still buffered when the erasure starts
  const erasing = sink.erase('gone');
  sink.append(decision('d3', 'kept')); // appended during the erasure: kept
  return erasing;
}

describe('decision log erasure', () => {
  it('memory sink drops the customer\'s decisions and their outcomes', async () => {
    const sink = new MemoryLogSink();
    expect(await exercise(sink)).toBe(3);
    expect(sink.lines.map((l) => l.decisionId)).toEqual(['d2', 'd2', 'd3']);
  });

  it('JSONL sink rewrites the file, buffered lines included, and keeps appending after', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tact-log-'));
    try {
      const file = path.join(dir, 'log.jsonl');
      const sink = new JsonlFileLogSink(file, 512, 10_000);
      expect(await exercise(sink)).toBe(3);
      sink.append(outcome('d3'));
      await sink.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine);
      expect(lines.map((l) => `${l.type}:${l.decisionId}`)).toEqual(['decision:d2', 'outcome:d2', 'decision:d3', 'outcome:d3']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
