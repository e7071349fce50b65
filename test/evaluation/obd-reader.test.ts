import { describe, expect, it } from 'vitest';
import { obdPath } from '../support/data.js';
import { evaluatePolicy } from '../../src/evaluation/estimators.js';
import { detectFormat } from '../../src/evaluation/load-log.js';
import { constantPolicy, uniformPolicy, type LoggedData } from '../../src/evaluation/logged-data.js';
import { readObd } from '../../src/evaluation/obd-reader.js';
import { greedyPolicy } from '../../src/evaluation/policies.js';
import { fitActionMeanModel } from '../../src/evaluation/reward-model.js';

const clicks = (d: LoggedData): number => d.rounds.reduce((s, r) => s + r.reward, 0);

describe('OBD reader on the vendored sample', () => {
  // Figures from test/fixtures/README.md.
  const expected = [
    { policy: 'random', campaign: 'men', clicks: 46, items: 34 },
    { policy: 'random', campaign: 'women', clicks: 46, items: 46 },
    { policy: 'bts', campaign: 'men', clicks: 69, items: 34 },
    { policy: 'bts', campaign: 'women', clicks: 46, items: 46 },
  ] as const;
  for (const e of expected) {
    it(`${e.policy}/${e.campaign}: 10,000 rows, ${e.clicks} clicks, ${e.items} items`, async () => {
      const dir = obdPath(e.policy, e.campaign);
      expect(detectFormat(dir)).toBe('obd');
      const data = await readObd(dir);
      expect(data.rounds).toHaveLength(10_000);
      expect(clicks(data)).toBe(e.clicks);
      const first = data.rounds[0]!;
      expect(first.actionIds).toHaveLength(e.items);
      expect(first.actionFeatures[0]!.numeric['item_feature_0']).toBeTypeOf('number');
      expect(Object.keys(first.context.categorical)).toEqual(['user_feature_0', 'user_feature_1', 'user_feature_2', 'user_feature_3']);
      expect(Object.keys(first.context.numeric)).toHaveLength(e.items);
      expect([1, 2, 3]).toContain(first.position);
      expect(first.at).toBeGreaterThan(Date.parse('2019-11-01T00:00:00Z'));
      expect(first.at).toBeLessThan(Date.parse('2019-12-31T00:00:00Z'));
      if (e.policy === 'random') {
        for (const r of data.rounds) expect(r.propensity).toBeCloseTo(1 / e.items, 12);
      }
    });
  }

  it('the CSV path works as well as the directory, and one position can be selected', async () => {
    const all = await readObd(obdPath('random', 'men', 'men.csv'));
    const slot1 = await readObd(obdPath('random', 'men'), { position: 1 });
    expect(all.rounds).toHaveLength(10_000);
    expect(slot1.rounds.length).toBeGreaterThan(2000);
    expect(slot1.rounds.length + (slot1.skipped['other position'] ?? 0)).toBe(10_000);
    expect(slot1.rounds.every((r) => r.position === 1)).toBe(true);
  });

  it('bts/women holds propensities down to 1e-6 and they are flagged', async () => {
    const data = await readObd(obdPath('bts', 'women'));
    const r = evaluatePolicy(data, uniformPolicy, { bootstrap: 50 });
    expect(r.minPropensity).toBe(1e-6);
    expect(r.tinyPropensities).toBeGreaterThan(0);
    const clipped = evaluatePolicy(data, uniformPolicy, { bootstrap: 50, clip: 20 });
    expect(clipped.clipped).toBeGreaterThan(0);
    expect(clipped.maxWeight).toBe(20);
  });
});

describe('SNIPS equals replay on a uniform-random log', () => {
  /** Replay: the mean reward over rounds where the log chose what the policy would have. */
  function replay(data: LoggedData, pick: (i: number) => number): number {
    let n = 0;
    let sum = 0;
    data.rounds.forEach((r, i) => {
      if (r.chosen === pick(i)) {
        n++;
        sum += r.reward;
      }
    });
    return sum / n;
  }

  it('for fixed-item policies and greedy-dm on random/men and random/women', async () => {
    for (const campaign of ['men', 'women'] as const) {
      const data = await readObd(obdPath('random', campaign));
      for (const item of ['0', '7', '19', '33']) {
        const r = evaluatePolicy(data, constantPolicy(item), { bootstrap: 10 });
        // Equal up to floating-point rounding of identical weights: sum(w r) / sum(w).
        expect(Math.abs(r.estimators.snips.value - replay(data, () => Number(item)))).toBeLessThan(1e-12);
      }
      const model = fitActionMeanModel(data);
      const greedy = greedyPolicy(model);
      const r = evaluatePolicy(data, greedy, { bootstrap: 10, rewardModel: model });
      const picks = data.rounds.map((round) => greedy.probabilities(round).indexOf(1));
      expect(r.estimators.snips.value).toBeGreaterThan(0);
      expect(Math.abs(r.estimators.snips.value - replay(data, (i) => picks[i]!))).toBeLessThan(1e-12);
    }
  });

  it("uniform's IPS and SNIPS equal the on-policy CTR on the random log", async () => {
    const data = await readObd(obdPath('random', 'men'));
    const r = evaluatePolicy(data, uniformPolicy, { bootstrap: 10 });
    expect(r.estimators.snips.value).toBeCloseTo(46 / 10_000, 12);
    expect(r.estimators.ips.value).toBeCloseTo(46 / 10_000, 12);
    expect(r.estimators.ips.ess).toBeCloseTo(10_000, 6);
  });
});
