import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecisionLine, LogLine, OutcomeLine } from '../../src/decision/log-entry.js';
import { evaluatePolicy } from '../../src/evaluation/estimators.js';
import { detectFormat, loadLog } from '../../src/evaluation/load-log.js';
import { readTactLog } from '../../src/evaluation/tact-log-reader.js';
import { features } from '../../src/domain/features.js';
import { loggingPolicy } from '../../src/evaluation/policies.js';

function decision(id: string, at: number, chosen: string, extra: Partial<DecisionLine> = {}): DecisionLine {
  return {
    type: 'decision',
    decisionId: id,
    customerId: 'c1',
    policy: 'p',
    modelVersion: 'v1',
    mode: 'online',
    at,
    trigger: 'cart_abandoned',
    context: features({ basket: 42 }, { segment: 'vip' }),
    candidates: [
      { id: 'm1/email', channel: 'email', features: features({ discount: 10 }), probability: 0.6, score: 0.2 },
      { id: 'm2/sms', channel: 'sms', features: features({ discount: 0 }), probability: 0.3, score: 0.1 },
      { id: 'no-send', channel: 'none', features: features(), probability: 0.1, score: 0 },
    ],
    chosen: [chosen],
    probabilities: [chosen === 'm1/email' ? 0.6 : chosen === 'm2/sms' ? 0.3 : 0.1],
    holdout: false,
    ...extra,
  };
}

const outcome = (id: string, actionId: string, value: number, source: OutcomeLine['source'] = 'reward'): OutcomeLine => ({
  type: 'outcome',
  decisionId: id,
  actionId,
  value,
  source,
  at: 0,
});

function writeLog(lines: LogLine[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tact-eval-')), 'decisions.jsonl');
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}

describe('Tact log reader', () => {
  const lines: LogLine[] = [
    outcome('d2', 'm2/sms', 5), // outcome before its decision: writers batch independently
    decision('d1', 1000, 'm1/email'),
    decision('d2', 2000, 'm2/sms'),
    decision('d3', 3000, 'no-send'), // no outcome yet: skipped
    decision('d4', 4000, 'm1/email', { mode: 'shadow' }),
    decision('d5', 5000, 'm1/email'),
    outcome('d1', 'm1/email', 1),
    outcome('d1', 'm1/email', 2), // rewards for one action add up
    outcome('d1', 'm2/sms', 100), // not the rank-1 action: ignored
    outcome('d5', 'm1/email', 0, 'default'),
  ];

  it('joins decisions and outcomes, counting what it skips', async () => {
    const path = writeLog(lines);
    expect(detectFormat(path)).toBe('tact');
    const data = await readTactLog(path);
    expect(data.rounds.map((r) => r.id)).toEqual(['d1', 'd2', 'd5']);
    expect(data.rounds.map((r) => r.reward)).toEqual([3, 5, 0]);
    expect(data.rounds.map((r) => r.propensity)).toEqual([0.6, 0.3, 0.6]);
    expect(data.rounds[1]!.chosen).toBe(1);
    expect(data.rounds[0]!.actionIds).toEqual(['m1/email', 'm2/sms', 'no-send']);
    expect(data.rounds[0]!.actionFeatures[0]!.numeric['discount']).toBe(10);
    expect(Array.from(data.rounds[0]!.loggingProbabilities!)).toEqual([0.6, 0.3, 0.1]);
    expect(data.skipped).toEqual({ 'no outcome': 1, 'shadow decision': 1 });
  });

  it('filters by time range, from inclusive, to exclusive', async () => {
    const data = await loadLog(writeLog(lines), { from: 2000, to: 5000 });
    expect(data.rounds.map((r) => r.id)).toEqual(['d2']);
    expect(data.skipped['outside time range']).toBe(2);
  });

  it('the logging policy evaluated on its own log gives IPS = the on-policy mean', async () => {
    const data = await readTactLog(writeLog(lines));
    const r = evaluatePolicy(data, loggingPolicy, { bootstrap: 20 });
    expect(r.estimators.ips.value).toBeCloseTo((3 + 5 + 0) / 3, 12);
  });

  it('fails loudly on a foreign file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tact-eval-')), 'x.jsonl');
    writeFileSync(path, '{"hello": 1}\n');
    await expect(readTactLog(path)).rejects.toThrow(/decisionId/);
  });
});
