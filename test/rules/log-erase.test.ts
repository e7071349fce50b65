import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEraseList, segmentPaths } from '../../src/decision/log-segments.js';
import { exportLog } from '../../src/evaluation/export-log.js';
import { readTactLog } from '../../src/evaluation/tact-log-reader.js';
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
  candidates: [{ id: 'a', channel: 'email', features: { numeric: {}, categorical: {} }, probability: 1, score: 0 }],
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

  it('JSONL sink drops buffered lines at once, the rest at compaction, and keeps appending after', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tact-log-'));
    try {
      const file = path.join(dir, 'log.jsonl');
      const sink = new JsonlFileLogSink(file, { flushIntervalMs: 10_000 });
      // The buffered outcome of a decision already written is not known as the customer's until the compaction.
      expect(await exercise(sink)).toBe(0);
      expect(sink.pendingErasures).toBe(1);
      expect(await sink.compact()).toBe(3);
      expect(sink.pendingErasures).toBe(0);
      sink.append(outcome('d3'));
      await sink.close();
      expect(existsSync(`${file}.erase`)).toBe(false);
      expect(lineIds(file)).toEqual(['decision:d2', 'outcome:d2', 'decision:d3', 'outcome:d3']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const lineIds = (file: string): string[] =>
  readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => { const j = JSON.parse(l) as LogLine; return `${j.type}:${j.decisionId}`; });

describe('decision log rotation and the erase list', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tact-log-'));
    dirs.push(dir);
    return path.join(dir, 'log.jsonl');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** 400 decisions of 40 customers, each with an outcome, one batch of 10 lines at a time. */
  async function fill(sink: JsonlFileLogSink): Promise<void> {
    for (let i = 0; i < 400; i++) {
      sink.append(decision(`d${i}`, `c${i % 40}`));
      sink.append(outcome(`d${i}`));
      if (i % 5 === 4) await sink.flush();
    }
    await sink.flush();
  }

  it('rotates by size into numbered segments and keeps only the newest N', async () => {
    const file = tmp();
    const sink = new JsonlFileLogSink(file, { maxBytes: 4096, keep: 3, flushIntervalMs: 10_000 });
    await fill(sink);
    await sink.close();
    const segments = segmentPaths(file);
    expect(segments).toEqual([`${file}.3`, `${file}.2`, `${file}.1`, file]);
    for (const s of segments.slice(0, 3)) expect(statSync(s).size).toBeGreaterThanOrEqual(4096);
    for (const s of segments) expect(statSync(s).size).toBeLessThan(4096 + 2048);
    // What is left is the newest lines, in order, with nothing lost between segments.
    const ids = segments.flatMap(lineIds);
    const first = Number(/d(\d+)/.exec(ids[0] as string)?.[1]);
    expect(first).toBeGreaterThan(0);
    expect(ids.filter((l) => l.startsWith('decision')).map((l) => Number(l.slice('decision:d'.length)))).toEqual(Array.from({ length: 400 - first }, (_, i) => first + i));
  });

  it('also rotates a segment by age, at the first write that finds it older', async () => {
    const file = tmp();
    let now = 1_000_000;
    const sink = new JsonlFileLogSink(file, { maxAgeMs: 60_000, keep: 5, flushIntervalMs: 10_000, now: () => now });
    for (let minute = 0; minute < 4; minute++) {
      sink.append(decision(`m${minute}`, 'c'));
      await sink.flush();
      now += 45_000;
    }
    await sink.close();
    // Batches at 0, 45 and 90 s go to the first segment (the write at 90 s finds it 90 s old and rotates after it), 135 s to the next.
    expect(segmentPaths(file).map(lineIds)).toEqual([['decision:m0', 'decision:m1', 'decision:m2'], ['decision:m3']]);
  });

  it('forgets in parallel without rewriting, hides the lines from readers at once, erases them from every segment by the deadline', async () => {
    const file = tmp();
    const sink = new JsonlFileLogSink(file, { maxBytes: 8192, keep: 100, flushIntervalMs: 10_000, eraseDeadlineMs: 300 });
    await fill(sink);
    expect(segmentPaths(file).length).toBeGreaterThan(5);
    const before = segmentPaths(file).map((f) => statSync(f).mtimeMs);
    const started = Date.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => sink.erase(`c${i}`)));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sink.pendingErasures).toBe(20);
    expect(segmentPaths(file).map((f) => statSync(f).mtimeMs)).toEqual(before);
    // Readers honour the erase list before the compaction.
    const exported: string[] = [];
    await exportLog(file, (l) => void exported.push(l));
    expect(exported).toHaveLength(200);
    expect(exported.some((l) => /"customerId":"c1?[0-9]"/.test(l))).toBe(false);
    const read = await readTactLog(file);
    expect(read.rounds.map((r) => Number(r.id.slice(1)) % 40).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => 20 + Math.floor(i / 10)));
    // By the deadline the lines are gone from the file itself.
    const deadline = Date.now() + 3000;
    while (sink.pendingErasures > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sink.pendingErasures).toBe(0);
    const all = segmentPaths(file).map((f) => readFileSync(f, 'utf8')).join('');
    expect(all.split('\n').filter(Boolean)).toHaveLength(400);
    expect(all).not.toMatch(/"customerId":"c1?[0-9]"/);
    await sink.close();
  });

  it('a forget listed before a restart is compacted by the next sink on the file, across segments', async () => {
    const file = tmp();
    const first = new JsonlFileLogSink(file, { maxBytes: 4096, keep: 100, flushIntervalMs: 10_000, eraseDeadlineMs: 3_600_000 });
    await fill(first);
    expect(segmentPaths(file).length).toBeGreaterThan(3);
    await first.erase('c7');
    await first.close();
    expect(readEraseList(file).has('c7')).toBe(true);
    const all = (): string => segmentPaths(file).map((f) => readFileSync(f, 'utf8')).join('');
    expect(all()).toContain('"customerId":"c7"');
    const second = new JsonlFileLogSink(file, { maxBytes: 4096, keep: 100, flushIntervalMs: 10_000, eraseDeadlineMs: 0 });
    const deadline = Date.now() + 3000;
    while (second.pendingErasures > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(all()).not.toContain('"customerId":"c7"');
    // Its outcome lines went with its decisions: 10 decisions of c7, 10 outcomes.
    expect(all().split('\n').filter(Boolean)).toHaveLength(800 - 20);
    await second.close();
  });
});
