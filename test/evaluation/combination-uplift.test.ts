import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUplift } from '../../src/cli/uplift.js';
import { SeededRandom } from '../../src/core/random.js';
import { newDecisionId } from '../../src/decision/decision-id.js';
import { CombinationUpliftEstimator, type CombinationUplift } from '../../src/evaluation/combination-uplift.js';
import type { ExportedDecision } from '../../src/evaluation/export-log.js';

/**
 * A log whose truth is known: one trigger, a logger with unequal
 * probabilities over no-send and four sends (two messages, two channels,
 * email in two slots), conversions worth 50 with a known rate per action, a
 * 10% control holdout. Each combination's true uplift over no-send is
 * sum over its actions of p_a / P(K) x mean_a - mean(no-send).
 */
const VALUE = 50;
const ACTIONS = [
  { id: 'no_send', channel: '', p: 0.3, rate: 0.05 },
  { id: 'cart:email:now', channel: 'email', p: 0.25, rate: 0.1 },
  { id: 'cart:email:evening', channel: 'email', p: 0.15, rate: 0.07 },
  { id: 'cart:sms:now', channel: 'sms', p: 0.2, rate: 0.12 },
  { id: 'promo:sms:now', channel: 'sms', p: 0.1, rate: 0.03 },
] as const;
const HOLDOUT = 0.1;

function decision(i: number, rng: SeededRandom): ExportedDecision {
  const holdout = rng.next() < HOLDOUT;
  let u = rng.next();
  const a = holdout ? ACTIONS[0] : (ACTIONS.find((x) => (u -= x.p) < 0) ?? ACTIONS[0]);
  const reward = rng.next() < a.rate ? VALUE : 0;
  const id = newDecisionId(i * 1000 + 500, () => i.toString(16).padStart(16, '0'));
  return {
    type: 'decision',
    decisionId: id,
    customerId: `c${i}`,
    policy: 'p',
    modelVersion: 'p@0',
    mode: 'online',
    at: i * 1000,
    trigger: 'cart_abandoned',
    context: { numeric: {}, categorical: {} },
    candidates: holdout ? [] : ACTIONS.map((x) => ({ id: x.id, channel: x.channel, features: { numeric: {}, categorical: {} }, probability: x.p, score: 0 })),
    chosen: holdout ? [] : [a.id],
    probabilities: holdout ? [] : [a.p],
    holdout,
    outcomes: [{ actionId: a.id, value: reward, source: reward > 0 ? 'reward' : 'default', at: i * 1000 + 500 }],
    reward,
    windowClosed: true,
  };
}

function truth(r: CombinationUplift): number {
  const ks = ACTIONS.filter((x) => x.id !== 'no_send' && (r.key['channel'] === undefined || x.channel === r.key['channel']) && (r.key['message'] === undefined || x.id.startsWith(`${r.key['message']}:`)));
  const pK = ks.reduce((s, x) => s + x.p, 0);
  return ks.reduce((s, x) => s + (x.p / pK) * x.rate * VALUE, 0) - ACTIONS[0].rate * VALUE;
}

function estimate(seed: number, rounds: number, by: ('trigger' | 'message' | 'channel')[]): CombinationUplift[] {
  const rng = new SeededRandom(seed);
  const e = new CombinationUpliftEstimator({ by, minCount: 1, minRewarded: 1 });
  for (let i = 0; i < rounds; i++) e.add(decision(i, rng));
  return e.results();
}

describe('uplift per combination', () => {
  it('keys combinations by trigger, message and channel, any slot, and counts what each rests on', () => {
    const results = estimate(1, 2000, ['trigger', 'message', 'channel']);
    expect(results.map((r) => r.key)).toEqual([
      { trigger: 'cart_abandoned', message: 'cart', channel: 'email' },
      { trigger: 'cart_abandoned', message: 'cart', channel: 'sms' },
      { trigger: 'cart_abandoned', message: 'promo', channel: 'sms' },
    ]);
    for (const r of results) {
      expect(r.decisions).toBeGreaterThan(1700);
      expect(r.noSendChosen).toBeGreaterThan(450);
      expect(r.holdoutDecisions).toBeGreaterThan(150);
    }
  });

  it('flags combinations with too few decisions or conversions', () => {
    const rng = new SeededRandom(2);
    const e = new CombinationUpliftEstimator({ by: ['channel'] });
    for (let i = 0; i < 150; i++) e.add(decision(i, rng));
    // About 40 email and 27 sms decisions with 3-4 conversions: too few for a normal interval.
    expect(e.results().map((r) => [r.key['channel'], r.tooLittleData])).toEqual([['email', true], ['sms', true]]);
  });

  it('intervals cover the true uplift at about their nominal 95% over many logs (ips, dr, holdout)', () => {
    const hits = { ips: 0, dr: 0, holdout: 0 };
    let n = 0;
    for (let seed = 1; seed <= 80; seed++) {
      for (const r of estimate(seed, 1000, ['channel', 'message'])) {
        const t = truth(r);
        n++;
        if (r.ips.ciLow <= t && t <= r.ips.ciHigh) hits.ips++;
        if (r.dr.ciLow <= t && t <= r.dr.ciHigh) hits.dr++;
        if (r.holdout && r.holdout.ciLow <= t && t <= r.holdout.ciHigh) hits.holdout++;
      }
    }
    expect(n).toBe(240);
    for (const [name, h] of Object.entries(hits)) {
      expect(h / n, name).toBeGreaterThan(0.91);
      expect(h / n, name).toBeLessThan(0.985);
    }
  });
});

/**
 * The log file of `rounds` decisions as a server writes it: each decision, then (for those
 * `segmentOf` names) its campaign's line, as a campaign logs it right after, then its outcomes.
 */
function writeLog(seed: number, rounds: number, segmentOf: (i: number) => string | undefined): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tact-uplift-by-'));
  const log = join(dir, 'decisions.jsonl');
  const rng = new SeededRandom(seed);
  const lines: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const { outcomes, reward: _r, windowClosed: _w, ...line } = decision(i, rng);
    lines.push(JSON.stringify(line));
    const segment = segmentOf(i);
    if (segment) lines.push(JSON.stringify({ type: 'campaign', decisionId: line.decisionId, customerId: line.customerId, campaign: `c-${segment}`, segment, score: 0, admitProbability: 1, admitted: true, at: line.at }));
    lines.push(...outcomes.map((o) => JSON.stringify({ type: 'outcome', decisionId: line.decisionId, ...o })));
  }
  writeFileSync(log, `${lines.join('\n')}\n`);
  return { dir, log };
}

describe('tact uplift --by', () => {
  it('reads a decision log and writes the table, the JSON and the chart; refuses an unknown field', async () => {
    const { dir, log } = writeLog(3, 2000, () => undefined);
    let out = '';
    let err = '';
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} };
    const json = join(dir, 'uplift.json');
    const svg = join(dir, 'uplift.svg');
    expect(await runUplift(['--log', log, '--by', 'trigger,channel', '--out', json, '--svg', svg], io), err).toBe(0);
    expect(out).toMatch(/^combination +decisions +chose it +rewarded +no-send +rewarded +holdout +ips \(95% CI\) +dr \(95% CI\) +holdout \(95% CI\)/);
    expect(out).toMatch(/cart_abandoned x email +\d+/);
    expect(out).toMatch(/cart_abandoned x sms +\d+/);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { by: string[]; combinations: CombinationUplift[] };
    expect(doc.by).toEqual(['trigger', 'channel']);
    expect(doc.combinations.map((c) => c.key['channel'])).toEqual(['email', 'sms']);
    // The last decision's window is still open when the log ends: left out, and said so.
    expect(doc.combinations[0]!.decisions + doc.combinations[0]!.holdoutDecisions).toBeLessThan(2000);
    expect(readFileSync(svg, 'utf8')).toContain('cart_abandoned x sms');
    expect(await runUplift(['--log', log, '--by', 'trigger,colour'], io)).toBe(2);
    expect(err).toContain('--by: unknown field "colour"');
  });

  it('splits by the segment of the campaign that made each decision ("-" for the rest)', async () => {
    // Two thirds decided by campaigns of two segments.
    const { dir, log } = writeLog(4, 3000, (i) => (i % 3 === 0 ? undefined : i % 3 === 1 ? 'lapsing' : 'autumn_shoppers'));
    const json = join(dir, 'uplift.json');
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, env: {} };
    expect(await runUplift(['--log', log, '--by', 'segment,channel', '--out', json], io), err).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { combinations: CombinationUplift[] };
    const keys = doc.combinations.map((c) => `${c.key['segment']}/${c.key['channel']}`);
    expect(keys).toEqual(['-/email', '-/sms', 'autumn_shoppers/email', 'autumn_shoppers/sms', 'lapsing/email', 'lapsing/sms']);
    // Each segment's decisions (about 1,000 of 3,000, 10% holdout) and its own holdout.
    for (const c of doc.combinations) {
      expect(c.decisions + c.holdoutDecisions).toBeGreaterThan(850);
      expect(c.decisions + c.holdoutDecisions).toBeLessThan(1150);
      expect(c.holdoutDecisions).toBeGreaterThan(60);
      expect(c.holdoutDecisions).toBeLessThan(150);
    }
  });
});
