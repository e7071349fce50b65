import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog, parseCatalog } from '../../src/catalog/load.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;

/** A small valid catalog; tests break one thing at a time. */
const base = (patch: { channels?: string; slots?: string; triggers?: string; messages?: string } = {}): string => `
channels:
${
  patch.channels ??
  `  - { id: email, cost: 0.001, caps: [{ max: 3, window_hours: 168 }] }
  - id: sms
    cost: 0.05
    quiet_hours: { start: "21:00", end: "09:00", action: defer }`
}
send_slots:
${patch.slots ?? `  - { id: now, delay_minutes: 0 }
  - { id: evening, local_time: "19:00" }`}
triggers:
${patch.triggers ?? `  - { id: cart_abandoned }
  - { id: browse, slots: [evening] }`}
messages:
${
  patch.messages ??
  `  - { id: m1, triggers: [cart_abandoned], channels: [email, sms], category: shoes, value: 90 }
  - id: m2
    triggers: [cart_abandoned, browse]
    channels: [email]
    category: home
    value: 60
    features: { numeric: { discount: 0.1 }, categorical: { tone: urgent } }`
}
`;

function errorOf(yaml: string): CatalogError {
  try {
    parseCatalog(yaml, 'test.yaml');
  } catch (e) {
    if (e instanceof CatalogError) return e;
    throw e;
  }
  throw new Error('expected the catalog to be rejected');
}

describe('catalog schema', () => {
  it('accepts a valid catalog and indexes it', () => {
    const c = parseCatalog(base(), 'test.yaml');
    expect([...c.channels.keys()]).toEqual(['email', 'sms']);
    expect(c.channels.get('email')?.caps).toEqual([{ max: 3, windowHours: 168 }]);
    expect(c.channels.get('sms')?.quietHours).toEqual({ start: '21:00', end: '09:00', action: 'defer' });
    expect(c.slots.get('evening')).toEqual({ id: 'evening', kind: 'local_time', time: '19:00' });
    expect(c.slots.get('now')).toEqual({ id: 'now', kind: 'delay', minutes: 0 });
    expect(c.triggers.get('cart_abandoned')?.slots).toEqual(['now', 'evening']);
    expect(c.triggers.get('browse')?.slots).toEqual(['evening']);
    expect(c.messagesFor('cart_abandoned').map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(c.messagesFor('browse').map((m) => m.id)).toEqual(['m2']);
    expect(c.messagesFor('nope')).toEqual([]);
    const m1 = c.messages.get('m1');
    expect(m1?.service).toBe(false);
    expect(m1?.items).toEqual([]);
    expect(m1?.features).toEqual({ numeric: {}, categorical: {} });
  });

  it('names the path of an unknown channel', () => {
    const e = errorOf(
      base({
        messages: `  - { id: m1, triggers: [cart_abandoned], channels: [email], category: shoes, value: 1 }
  - { id: m2, triggers: [cart_abandoned], channels: [email], category: shoes, value: 1 }
  - { id: m3, triggers: [cart_abandoned], channels: [email], category: shoes, value: 1 }
  - { id: m4, triggers: [cart_abandoned], channels: [email, fax], category: shoes, value: 1 }`,
      }),
    );
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toContain('messages[3].channels[1]: unknown channel "fax"');
    expect(e.message).toContain('test.yaml');
    expect(e.code).toBe('invalid_argument');
  });

  it('names unknown triggers and unknown slots', () => {
    const e = errorOf(
      base({
        triggers: `  - { id: cart_abandoned, slots: [now, tonight] }`,
        messages: `  - { id: m1, triggers: [cart_abandoned, checkout], channels: [email], category: shoes, value: 1 }`,
      }),
    );
    expect(e.issues.join('\n')).toContain('triggers[0].slots[1]: unknown send slot "tonight"');
    expect(e.issues.join('\n')).toContain('messages[0].triggers[1]: unknown trigger "checkout"');
  });

  it('rejects a bad time, naming the path', () => {
    const e = errorOf(
      base({
        channels: `  - id: sms
    cost: 0.05
    quiet_hours: { start: "25:00", end: "09:00" }`,
        messages: `  - { id: m1, triggers: [cart_abandoned], channels: [sms], category: shoes, value: 1 }`,
      }),
    );
    expect(e.issues.join('\n')).toContain('channels[0].quiet_hours.start: invalid time "25:00"');
  });

  it('rejects a bad local_time slot and a slot with both or neither timing', () => {
    const e = errorOf(
      base({
        slots: `  - { id: now, delay_minutes: 0 }
  - { id: evening, local_time: "7pm" }
  - { id: both, delay_minutes: 5, local_time: "10:00" }
  - { id: neither }`,
      }),
    );
    const text = e.issues.join('\n');
    expect(text).toContain('send_slots[1].local_time: invalid time "7pm"');
    expect(text).toContain('send_slots[2]: give exactly one of delay_minutes or local_time');
    expect(text).toContain('send_slots[3]: give exactly one of delay_minutes or local_time');
  });

  it('rejects duplicate ids, naming the duplicate and the first', () => {
    const e = errorOf(
      base({
        messages: `  - { id: m1, triggers: [cart_abandoned], channels: [email], category: shoes, value: 1 }
  - { id: m1, triggers: [cart_abandoned], channels: [email], category: home, value: 2 }`,
      }),
    );
    expect(e.issues).toEqual([expect.stringContaining('messages[1].id: duplicate id "m1" (first defined at messages[0])')]);
    const c = errorOf(
      base({
        channels: `  - { id: email, cost: 0 }
  - { id: email, cost: 1 }`,
        messages: `  - { id: m1, triggers: [cart_abandoned], channels: [email], category: shoes, value: 1 }`,
      }),
    );
    expect(c.issues[0]).toContain('channels[1].id: duplicate id "email"');
  });

  it('reports the YAML line of the problem', () => {
    const yaml = base({
      messages: `  - id: m1
    triggers: [cart_abandoned]
    channels: [email, fax]
    category: shoes
    value: 1`,
    });
    const line = yaml.split('\n').findIndex((l) => l.includes('[email, fax]')) + 1;
    expect(line).toBeGreaterThan(1);
    expect(errorOf(yaml).issues[0]).toBe(`messages[0].channels[1]: unknown channel "fax" (line ${line})`);
  });

  it('rejects type errors, unknown keys, negative costs, bad ids and reserved names', () => {
    const e = errorOf(
      base({
        channels: `  - { id: email, cost: -1, capz: [] }
  - { id: "s:ms", cost: 0.05 }`,
        messages: `  - id: m1
    triggers: [cart_abandoned]
    channels: [email]
    category: shoes
    value: "ninety"
    features: { numeric: { discount: 15 }, categorical: { channel: sms } }`,
      }),
    );
    const text = e.issues.join('\n');
    expect(text).toMatch(/channels\[0\]\.cost: /);
    expect(text).toMatch(/channels\[0\]: .*capz/);
    expect(text).toMatch(/channels\[1\]\.id: ids use letters/);
    expect(text).toMatch(/messages\[0\]\.value: /);
    // Cross-references are checked only once the fields are well-formed.
    const r = errorOf(
      base({
        messages: `  - id: no_send
    triggers: [cart_abandoned]
    channels: [email, email]
    category: shoes
    value: 1
    features: { numeric: { discount: 15, value: 3 }, categorical: { channel: sms } }`,
      }),
    );
    const rt = r.issues.join('\n');
    expect(rt).toContain('messages[0].id: "no_send" is reserved');
    expect(rt).toContain('messages[0].channels[1]: channel "email" listed twice');
    expect(rt).toContain('messages[0].features.categorical.channel: "channel" is reserved');
    expect(rt).toContain('messages[0].features.numeric.value: "value" is reserved');
    expect(rt).toContain('messages[0].features.numeric.discount: discount 15 is not a fraction');
  });

  it('reports YAML syntax errors with a line', () => {
    const e = errorOf('channels:\n  - { id: email, cost: 0.001\nmessages: [');
    expect(e.issues[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('rejects an empty document with a clear message', () => {
    const e = errorOf('');
    expect(e.issues[0]).toContain('(root)');
  });
});

describe('sample catalog (models/catalog.yaml)', () => {
  it('loads with at least 20 messages, 4 channels and the documented slots and triggers', async () => {
    const c = await loadCatalog(SAMPLE);
    expect(c.messages.size).toBeGreaterThanOrEqual(20);
    expect([...c.channels.keys()]).toEqual(expect.arrayContaining(['email', 'sms', 'push', 'in_app']));
    expect(c.channels.get('email')?.cost).toBe(0.001);
    expect(c.channels.get('sms')?.cost).toBe(0.05);
    expect(c.channels.get('push')?.cost).toBe(0.0005);
    expect(c.channels.get('in_app')?.cost).toBe(0);
    expect(c.channels.get('sms')?.quietHours).toEqual({ start: '21:00', end: '09:00', action: 'defer' });
    expect(c.channels.get('push')?.quietHours).toEqual({ start: '22:00', end: '08:00', action: 'drop' });
    expect(c.channels.get('sms')?.caps).toContainEqual({ max: 1, windowHours: 24 });
    expect(c.channels.get('email')?.caps).toContainEqual({ max: 3, windowHours: 168 });
    expect([...c.slots.keys()]).toEqual(['now', 'in_1h', 'evening', 'next_morning']);
    expect([...c.triggers.keys()]).toEqual(
      expect.arrayContaining(['cart_abandoned', 'order_shipped', 'app_open', 'browse', 'purchase', 'inactive_30d']),
    );
    for (const t of c.triggers.keys()) expect(c.messagesFor(t).length).toBeGreaterThan(0);
    const categories = new Set([...c.messages.values()].map((m) => m.category));
    for (const cat of ['shoes', 'outerwear', 'accessories', 'beauty', 'home']) expect(categories).toContain(cat);
    expect([...c.messages.values()].some((m) => m.service)).toBe(true);
    expect([...c.messages.values()].some((m) => m.items.length > 0)).toBe(true);
  });
});
