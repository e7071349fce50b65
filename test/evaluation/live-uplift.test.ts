import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { LiveUplift } from '../../src/evaluation/live-uplift.js';

/** One trigger, a logger over no-send and three sends on two channels, conversions worth 50, a 10% holdout. */
const VALUE = 50;
const CANDIDATES = [
  { channel: '', noSend: true, p: 0.3, rate: 0.05 },
  { channel: 'email', noSend: false, p: 0.3, rate: 0.1 },
  { channel: 'email', noSend: false, p: 0.2, rate: 0.06 },
  { channel: 'sms', noSend: false, p: 0.2, rate: 0.12 },
];
const PMF = Float64Array.from(CANDIDATES, (c) => c.p);
const mean = (cs: typeof CANDIDATES) => cs.reduce((s, c) => s + c.p * c.rate * VALUE, 0) / cs.reduce((s, c) => s + c.p, 0);
const NO_SEND = CANDIDATES[0]!.rate * VALUE;

function feed(live: LiveUplift, decisions: number, seed: number): void {
  const rng = new SeededRandom(seed);
  for (let i = 0; i < decisions; i++) {
    const holdout = rng.next() < 0.1;
    let u = rng.next();
    const chosen = holdout ? CANDIDATES[0]! : (CANDIDATES.find((c) => (u -= c.p) < 0) ?? CANDIDATES[0]!);
    const id = `d${i}`;
    live.onDecision(
      { decisionId: id, trigger: 'cart_abandoned', holdout, expiresAt: i + 100, chosenChannel: chosen.channel, ...(holdout ? {} : { offered: { candidates: CANDIDATES, pmf: PMF } }) },
      i,
    );
    if (rng.next() < chosen.rate) live.onReward(id, 'cart_abandoned', holdout, VALUE);
  }
}

describe('live uplift over no-send', () => {
  it('by channel (inverse propensity) and by trigger (treated minus holdout) approach the truth', () => {
    const live = new LiveUplift();
    feed(live, 200_000, 1);
    const byChannel = Object.fromEntries([...live.byChannel()].map((c) => [c.channel, c.uplift]));
    expect(byChannel['email']).toBeCloseTo(mean(CANDIDATES.filter((c) => c.channel === 'email')) - NO_SEND, 0);
    expect(byChannel['sms']).toBeCloseTo(mean(CANDIDATES.filter((c) => c.channel === 'sms')) - NO_SEND, 0);
    expect(Math.abs(byChannel['sms']! - 3.5)).toBeLessThan(0.5);
    const [trigger] = [...live.byTrigger()];
    expect(trigger?.trigger).toBe('cart_abandoned');
    expect(trigger!.uplift).toBeCloseTo(mean(CANDIDATES) - NO_SEND, 0);
  });

  it('forgets decisions whose windows have closed: a late reward moves nothing', () => {
    const live = new LiveUplift(1_000_000, 0);
    feed(live, 2000, 2);
    const before = [...live.byChannel()];
    live.onReward('d0', 'cart_abandoned', false, 1e6);
    expect([...live.byChannel()]).toEqual(before);
  });
});
