import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';

const BASE = `
channels: [{ id: sms, cost: 0.05 }]
send_slots: [{ id: now, delay_minutes: 0 }]
triggers: [{ id: campaign }]
messages: [{ id: m, triggers: [campaign], channels: [sms], category: c, value: 1 }]
`;

const errorOf = (yaml: string): string => {
  try {
    parseCatalog(BASE + yaml, 't');
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

describe('catalog segments: validated, errors name the path', () => {
  it('accepts a segment of every kind of condition', () => {
    const c = parseCatalog(
      BASE +
        `segments:
  - id: all_kinds
    all:
      - attribute: { name: plan, in: [free] }
      - attribute: { name: age, gte: 18 }
      - consent: { channel: sms }
      - time_zone: { in: [Europe/Paris] }
      - events: { event: page_view, category: shoes, within_days: 7, min: 3 }
      - money: { within_days: 90, min: 100 }
      - cart: { category: shoes }
      - lifecycle: { in: [lapsing, lapsed] }
`,
      't',
    );
    expect(c.segments?.get('all_kinds')?.all.map((x) => x.kind)).toEqual(['attribute', 'attribute', 'consent', 'time_zone', 'events', 'money', 'cart', 'lifecycle']);
  });

  it.each([
    ['segments:\n  - { id: s, all: [{ consent: { channel: fax } }] }', 'segments[0].all[0].consent.channel: unknown channel "fax"'],
    ['segments:\n  - { id: s, all: [{ cart: {}, money: { within_days: 1 } }] }', 'segments[0].all[0]: give exactly one of'],
    ['segments:\n  - { id: s, any: [{ events: { event: v, within_days: 0 } }] }', 'segments[0].any[0].events.within_days'],
    ['segments:\n  - { id: s, none: [{ lifecycle: { in: [asleep] } }] }', 'segments[0].none[0].lifecycle.in[0]'],
    ['segments:\n  - { id: s }', 'segments[0]: a segment needs at least one condition'],
    ['segments:\n  - { id: s, all: [{ events: { event: v, within_days: 3, min: 4, max: 2 } }] }', 'segments[0].all[0].events.max: max 2 is below min 4'],
    ['segments:\n  - { id: s, all: [{ cart: {} }] }\n  - { id: s, all: [{ cart: {} }] }', 'segments[1].id: duplicate id "s"'],
    ['lifecycle: { active_days: 90, lapsed_days: 30 }', 'lifecycle.lapsed_days: lapsed_days must exceed active_days'],
  ])('%s', (yaml, expected) => {
    expect(errorOf(yaml)).toContain(expected);
  });
});
