import { describe, expect, it } from 'vitest';
import { twoRedisReplicas } from './two-replicas.js';

/** The figure on Redis: 10,000 customers, 500 SMS, two replicas, one killed midway (about 30 s: long checks). */
describe('campaign on Redis with two replicas, full size', () => {
  it('10,000 customers, 500-SMS budget: exactly 500 SMS, no double decisions', async () => {
    const f = await twoRedisReplicas({ customers: 10_000, sms: 500, killAfter: 400 });
    expect(f.sms).toBe(500);
  }, 600_000);
});
