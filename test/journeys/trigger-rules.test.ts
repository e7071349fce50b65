import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import { JOURNEY_CATALOG } from './harness.js';

/** The catalog's error text for a YAML document, or '' when it loads. */
function errorOf(yaml: string): string {
  try {
    parseCatalog(yaml, 'test');
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('trigger rules in the catalog', () => {
  it('loads each kind of rule with its timing in ms', () => {
    const c = parseCatalog(JOURNEY_CATALOG);
    expect(c.triggers.get('cart_abandoned')?.when).toEqual({
      event: 'cart_add',
      kind: 'delay',
      afterMs: 30 * 60_000,
      unless: [{ event: 'purchase', match: 'item' }],
      reentry: { per: 'customer', cooldownMs: 24 * 3_600_000 },
    });
    expect(c.triggers.get('order_shipped')?.when?.kind).toBe('at_once');
    expect(c.triggers.get('inactive_30d')?.when).toMatchObject({ kind: 'inactivity', afterMs: 30 * 86_400_000 });
  });

  it('names the path of a bad rule', () => {
    const bad = (when: string) => JOURNEY_CATALOG.replace('when: { event: order_shipped }', `when: ${when}`);
    expect(errorOf(bad('{ event: order_shipped, after_minutes: 5, inactive_days: 3 }'))).toMatch(
      /triggers\[2\]\.when: give at most one of after_minutes or inactive_days/,
    );
    expect(errorOf(bad('{ event: order_shipped, unless: [{ event: purchase }] }'))).toMatch(/triggers\[2\]\.when\.unless: unless needs after_minutes/);
    expect(errorOf(bad('{ event: order_shipped, after_minutes: 5, unless: [{ event: purchase, match: sku }] }'))).toMatch(
      /triggers\[2\]\.when\.unless\[0\]\.match/,
    );
    expect(errorOf(bad('{ event: "order shipped" }'))).toMatch(/triggers\[2\]\.when\.event/);
    expect(errorOf(bad('{ event: order_shipped, reentry: { per: basket } }'))).toMatch(/triggers\[2\]\.when\.reentry\.per/);
    expect(errorOf(bad('{ event: order_shipped, after_minutes: -1 }'))).toMatch(/triggers\[2\]\.when\.after_minutes/);
  });

  it('names the path of bad channel delivery settings', () => {
    const yaml = JOURNEY_CATALOG.replace(
      '- { id: email, cost: 0.001,',
      '- { id: email, delivery: { webhook_url: "not a url", max_attempts: 0 }, cost: 0.001,',
    );
    const text = errorOf(yaml);
    expect(text).toMatch(/channels\[0\]\.delivery\.webhook_url/);
    expect(text).toMatch(/channels\[0\]\.delivery\.max_attempts/);
  });
});
