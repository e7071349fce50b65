import { describe, expect, it } from 'vitest';
import { catalogCandidates } from '../../src/catalog/candidates.js';
import { localMinuteOfDay } from '../../src/catalog/time.js';
import { applyContactRules, DEFAULT_RULES } from '../../src/rules/contact-rules.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { rulesCatalog } from './helpers.js';

describe('quiet hours across a DST change', () => {
  it('uses the offset in force at the send time (cached offsets agree with Intl)', async () => {
    const catalog = rulesCatalog();
    const store = new MemoryStore();
    const tz = 'Europe/Berlin';
    await store.setConsent('c', { timeZone: tz });
    // Around the spring-forward night of 2026-03-29 (02:00 -> 03:00 local), every 10 minutes.
    for (let at = Date.UTC(2026, 2, 28, 18); at < Date.UTC(2026, 2, 29, 10); at += 600_000) {
      const state = await store.loadCustomer('c', at);
      const candidates = catalogCandidates(catalog, 'cart_abandoned', at, tz);
      const { removed } = applyContactRules(DEFAULT_RULES, { state, at, catalog, candidates });
      const pushNowDropped = removed.some((r) => r.candidateId === 'coat:push:now' && r.rule === 'quiet_hours');
      const local = localMinuteOfDay(at, tz);
      expect(pushNowDropped, new Date(at).toISOString()).toBe(local >= 22 * 60 || local < 8 * 60);
    }
  });
});
