import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { pickTopK } from '../../src/decision/select.js';
import type { Candidate } from '../../src/domain/decision.js';
import { EMPTY_FEATURES } from '../../src/domain/features.js';

const cand = (id: string, channel: string, noSend = false): Candidate => ({
  id,
  channel,
  messageId: id,
  sendSlot: '',
  sendAt: 0,
  noSend,
  cost: 0,
  features: EMPTY_FEATURES,
});

describe('pickTopK', () => {
  const candidates = [cand('a', 'email'), cand('b', 'email'), cand('c', 'sms'), cand('n', '', true)];
  const pmf = Float64Array.from([0.4, 0.3, 0.2, 0.1]);
  const mean = Float64Array.from([3, 2, 1, 0]);

  it('never returns two sends on one channel, nor no-send after rank 1', () => {
    const rng = new SeededRandom(1);
    for (let i = 0; i < 2000; i++) {
      const picks = pickTopK(candidates, pmf, mean, 3, rng);
      const chosen = picks.map((p) => candidates[p.index]!);
      const channels = chosen.filter((c) => !c.noSend).map((c) => c.channel);
      expect(new Set(channels).size).toBe(channels.length);
      expect(chosen.slice(1).some((c) => c.noSend)).toBe(false);
      if (chosen[0]!.noSend) expect(chosen).toHaveLength(1);
    }
  });

  it('reports the probability each rank was sampled with', () => {
    // Empirical frequency of (rank1, rank2) pairs must match the product of
    // the reported conditional probabilities.
    const rng = new SeededRandom(2);
    const n = 40_000;
    const counts = new Map<string, { count: number; p: number }>();
    for (let i = 0; i < n; i++) {
      const picks = pickTopK(candidates, pmf, mean, 2, rng);
      const key = picks.map((p) => p.index).join(',');
      const p = picks.reduce((acc, x) => acc * x.probability, 1);
      const entry = counts.get(key) ?? { count: 0, p };
      expect(entry.p).toBeCloseTo(p, 12);
      entry.count += 1;
      counts.set(key, entry);
    }
    let total = 0;
    for (const { count, p } of counts.values()) {
      total += p;
      const sd = Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(count / n - p)).toBeLessThan(4 * sd + 1e-9);
    }
    expect(total).toBeCloseTo(1, 9);
  });

  it('flags exploration when the top-mean candidate was not picked', () => {
    const rng = new SeededRandom(3);
    for (let i = 0; i < 500; i++) {
      const [first] = pickTopK(candidates, pmf, mean, 1, rng);
      expect(first!.explored).toBe(first!.index !== 0);
    }
  });

  it('skips excluded candidates and renormalises', () => {
    const rng = new SeededRandom(4);
    const [first] = pickTopK(candidates, pmf, mean, 1, rng, new Set([0, 1, 3]));
    expect(first!.index).toBe(2);
    expect(first!.probability).toBe(1);
  });
});
