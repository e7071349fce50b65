import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCompare } from '../../src/cli/compare.js';
import { runEvaluate, type CommandIo } from '../../src/cli/evaluate.js';
import { obdPath } from '../support/data.js';
import { uniformPolicy } from '../../src/evaluation/logged-data.js';
import type { PolicyResolver } from '../../src/evaluation/policies.js';
import { createProgress, silentProgress } from '../../src/evaluation/progress.js';
import { comparisonSvg, formatEvaluation, toJson } from '../../src/evaluation/report.js';
import { evaluatePolicy } from '../../src/evaluation/estimators.js';
import { logOf, round } from './helpers.js';

function captureIo(extra: Partial<CommandIo> = {}): CommandIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
    ...extra,
    out: () => out,
    err: () => err,
  };
}

describe('tact evaluate', () => {
  it('--json prints one object with value, ci_low, ci_high and ess per estimator', async () => {
    const io = captureIo();
    const code = await runEvaluate(['--log', obdPath('random', 'men'), '--policy', 'uniform', '--json', '--bootstrap', '100'], io);
    expect(code, io.err()).toBe(0);
    const json = JSON.parse(io.out()) as { estimators: Record<string, Record<string, number>>; rounds: number; clipped: number; tiny_propensities: number };
    expect(Object.keys(json.estimators)).toEqual(['ips', 'snips', 'dm', 'dr']);
    for (const e of Object.values(json.estimators)) expect(Object.keys(e)).toEqual(['value', 'ci_low', 'ci_high', 'ess']);
    expect(json.estimators['snips']!['value']).toBeCloseTo(0.0046, 12);
    expect(json.rounds).toBe(10_000);
    expect(json.clipped).toBe(0);
    expect(json.tiny_propensities).toBe(0);
  });

  it('prints a table with a tiny-propensity warning and clipping report', async () => {
    const io = captureIo();
    const code = await runEvaluate(['--log', obdPath('bts', 'women', 'women.csv'), '--clip', '100', '--bootstrap', '50'], io);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toMatch(/^policy uniform on obd:/);
    expect(io.out()).toMatch(/warning: \d+ of 10000 rounds have a propensity below 0.001/);
    expect(io.out()).toMatch(/clipping: \d+ weights clipped/);
  });

  it('usage errors exit 2, unknown policies exit 1', async () => {
    const io = captureIo();
    expect(await runEvaluate(['--policy', 'uniform'], io)).toBe(2);
    expect(io.err()).toMatch(/--log PATH is required/);
    const io2 = captureIo();
    expect(await runEvaluate(['--log', obdPath('random', 'men'), '--policy', 'nope'], io2)).toBe(1);
    expect(io2.err()).toMatch(/unknown policy "nope"/);
    expect(await runEvaluate(['--log', 'x', '--clip', '-1'], captureIo())).toBe(2);
  });

  it('plugs in extra policy resolvers ahead of the built-ins', async () => {
    const resolver: PolicyResolver = {
      describe: 'mine',
      resolve: (spec) => (spec === 'mine' ? { ...uniformPolicy, name: 'mine' } : undefined),
    };
    const io = captureIo({ resolvers: [resolver] });
    expect(await runEvaluate(['--log', obdPath('random', 'men'), '--policy', 'mine', '--json', '--bootstrap', '10'], io)).toBe(0);
    expect((JSON.parse(io.out()) as { policy: string }).policy).toBe('mine');
  });
});

describe('tact compare', () => {
  it('prints a table for several policies and writes an SVG chart', async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'tact-compare-')), 'c.svg');
    const io = captureIo();
    const code = await runCompare(
      ['--log', obdPath('random', 'women'), '--policy', 'uniform', '--policy', 'greedy-dm', '--policy', 'always:3', '--svg', svg, '--bootstrap', '50'],
      io,
    );
    expect(code, io.err()).toBe(0);
    const lines = io.out().split('\n');
    expect(lines.some((l) => l.startsWith('greedy-dm'))).toBe(true);
    expect(lines.some((l) => l.startsWith('always:3'))).toBe(true);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text.match(/<circle/g)?.length).toBeGreaterThanOrEqual(3 * 4);
    expect(text).toContain('greedy-dm');
  });
});

describe('report', () => {
  it('JSON has no NaN: an undefined SNIPS (no matching action) becomes null', () => {
    const log = logOf([round(['A', 'B'], 'B', 0.5, 1)]);
    const r = evaluatePolicy(log, { name: 'A', probabilities: () => Float64Array.from([1, 0]) }, { bootstrap: 10 });
    const json = toJson(r, 'test');
    expect(json.estimators.snips.value).toBeNull();
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(formatEvaluation(r, 'test')).toContain('n/a');
    expect(comparisonSvg([r])).toContain('</svg>');
  });
});

describe('progress', () => {
  it('is silent off a terminal and in CI, a bar on a terminal', () => {
    const sink = { text: '', isTTY: true, write(s: string) { this.text += s; return true; } };
    expect(createProgress({ write: () => true }, {})).toBe(silentProgress);
    expect(createProgress(sink, { CI: 'true' })).toBe(silentProgress);
    const p = createProgress(sink, {});
    expect(p).not.toBe(silentProgress);
    p.start('reading', 10);
    p.update(5);
    p.stop();
    expect(sink.text.length).toBeGreaterThan(0);
  });
});
