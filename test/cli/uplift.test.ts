import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUplift } from '../../src/cli/uplift.js';
import { UpliftAccumulator, upliftFromLog } from '../../src/evaluation/uplift.js';
import { SeededRandom } from '../../src/core/random.js';
import { memoryIo, UNIFORM_VALUE, writeWorldLog } from './world-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tact-uplift-'));

describe('uplift against the control holdout', () => {
  it('the interval covers the known uplift on a simulated log', async () => {
    const log = path.join(dir, 'holdout.jsonl');
    // Treated: uniform over the world's actions (mean click rate 0.25); holdout converts at 0.15 on its own.
    writeWorldLog(log, { rounds: 8000, seed: 21, holdout: 0.2, holdoutRate: 0.15 });
    const { results, open } = await upliftFromLog(log);
    const r = results.find((x) => x.policy === 'default')!;
    const truth = UNIFORM_VALUE - 0.15;
    expect(r.holdout.n).toBeGreaterThan(1400);
    expect(r.treated.n).toBeGreaterThan(6000);
    expect(r.ciLow).toBeLessThan(truth);
    expect(r.ciHigh).toBeGreaterThan(truth);
    expect(r.ciLow).toBeGreaterThan(0);
    // The log runs past every window (defaults are written after each one closes).
    expect(open).toBe(0);

    const m = memoryIo();
    expect(await runUplift(['--log', log], m.io)).toBe(0);
    expect(m.out()).toMatch(/^default\s+\d+\s+0\.2\d+\s+\d+\s+0\.1\d+\s+0\.\d+\s+\[/m);
  });

  it('covers the true difference at about the nominal rate (many seeds, accumulator directly)', () => {
    const rng = new SeededRandom(9);
    let covered = 0;
    const runs = 400;
    for (let s = 0; s < runs; s++) {
      const acc = new UpliftAccumulator();
      for (let i = 0; i < 800; i++) {
        const holdout = rng.next() < 0.3;
        acc.add('p', holdout, rng.next() < (holdout ? 0.1 : 0.14) ? 1 : 0);
      }
      const r = acc.results()[0]!;
      if (r.ciLow <= 0.04 && 0.04 <= r.ciHigh) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.98);
  });
});
