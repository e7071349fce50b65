import { describe, expect, it } from 'vitest';
import { MemoryCampaignStore } from '../../src/campaigns/campaign-store.js';
import { ManualClock } from '../../src/core/clock.js';
import { SeededRandom } from '../../src/core/random.js';
import { MemorySegmentStore } from '../../src/segments/segment-store.js';
import { audience, DAY, drain, NOON, replica, smsSends } from './harness.js';

/**
 * The budget goes to higher predicted uplift first: a policy that has
 * learned that SMS earns 20 x affinity (email 4 x affinity, no-send 0)
 * scores the members, and the 500 SMS go to high-affinity members, not to
 * whoever comes first in the segment.
 */
describe('budget smaller than the audience', () => {
  it('spends the 500 SMS on the members with the highest predicted uplift', async () => {
    const clock = new ManualClock(NOON);
    const segmentStore = new MemorySegmentStore();
    const r = replica({ clock, campaignStore: new MemoryCampaignStore(), segmentStore });
    const rng = new SeededRandom(11);
    const affinity = new Map<string, number>();
    const profile = (id: string, a: number) =>
      r.tact.store.recordEvent(id, { type: 'profile_update', at: clock.now(), attributes: { numeric: { affinity: a }, categorical: {} } });
    // Learn from 4,000 earlier decisions and their rewards.
    for (let i = 0; i < 4000; i++) {
      const id = `t${i}`;
      const a = rng.next();
      await profile(id, a);
      const d = await r.tact.engine.decide({ customerId: id, trigger: 'autumn', context: { numeric: {}, categorical: {} }, topK: 1, at: clock.now(), explain: false });
      const c = d.choices[0];
      const value = c?.channel === 'sms' ? 20 * a : c?.channel === 'email' ? 4 * a : 0;
      await r.tact.joiner.reward({ decisionId: d.decisionId, value });
    }
    const members = await audience(segmentStore, 'free_users', 10_000);
    for (const id of members) {
      const a = rng.next();
      affinity.set(id, a);
      await profile(id, a);
    }
    await r.campaigns.start({ id: 'rank', segment: 'free_users', trigger: 'autumn', budgets: { perChannelPerDay: { sms: 500 } }, endAt: NOON + DAY });
    const before = r.decisions.length;
    await drain(r, 'rank');
    const campaignDecisions = r.decisions.slice(before);
    const sms = [...smsSends(campaignDecisions).values()];
    expect(sms.length).toBe(500);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const smsAffinity = mean(sms.map((id) => affinity.get(id) as number));
    const top = sms.filter((id) => (affinity.get(id) as number) >= 0.75).length;
    // What the budget earns, in the world's expected SMS value (20 x affinity), against the same
    // 500 SMS spent on random members of the segment (500 x 20 x the audience's mean affinity).
    const earned = 20 * sms.reduce((s, id) => s + (affinity.get(id) as number), 0);
    const random = 500 * 20 * mean([...affinity.values()]);
    console.log(`SMS receivers: mean affinity ${smsAffinity.toFixed(3)} (audience 0.5), ${top}/500 in the top quarter; expected SMS value ${earned.toFixed(0)} vs ${random.toFixed(0)} on random members`);
    expect(smsAffinity).toBeGreaterThan(0.8);
    expect(top).toBeGreaterThan(400);
    expect(earned).toBeGreaterThan(1.5 * random);
    // Every member, admitted or not, has a logged admission probability in (0, 1].
    const lines = r.log.lines.filter((l) => l.type === 'campaign');
    expect(lines.length).toBe(10_000);
    expect(lines.every((l) => l.type === 'campaign' && l.admitProbability > 0 && l.admitProbability <= 1)).toBe(true);
  }, 180_000);
});
