import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogSink } from '../../src/decision/log-sinks.js';
import { recordEvent } from '../../src/server/customer-service.js';
import type { RecordEventRequest__Output } from '../../src/server/generated/tact/v1/RecordEventRequest.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { RedisSegmentStore } from '../../src/segments/redis-segment-store.js';
import { MemorySegmentStore, type SegmentStore } from '../../src/segments/segment-store.js';
import { Segments, type SegmentChange } from '../../src/segments/segments.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 12);

export const SEGMENT_CATALOG = `
channels:
  - { id: email, cost: 0.001, consent: opt_out }
  - { id: sms, cost: 0.05, consent: opt_in }
send_slots: [{ id: now, delay_minutes: 0 }]
triggers: [{ id: campaign }]
messages:
  - { id: autumn, triggers: [campaign], channels: [email, sms], category: shoes, value: 80 }
lifecycle: { new_days: 14, active_days: 30, lapsed_days: 60 }
segments:
  - id: shoe_browsers
    all: [{ events: { event: page_view, category: shoes, within_days: 7, min: 3 } }]
  - id: big_spenders
    all:
      - events: { event: purchase, within_days: 90, min: 2 }
      - money: { within_days: 90, min: 100 }
  - id: shoes_in_cart
    all: [{ cart: { category: shoes } }]
  - id: free_plan
    all: [{ attribute: { name: plan, in: [free] } }]
  - id: sms_reachable
    all: [{ consent: { channel: sms } }]
  - id: paris
    all: [{ time_zone: { in: [Europe/Paris] } }]
  - id: lapsing
    all: [{ lifecycle: { in: [lapsing] } }]
  - id: lapsed
    all: [{ lifecycle: { in: [lapsed] } }]
  - id: new
    all: [{ lifecycle: { in: [new] } }]
  - id: browsers_not_buyers
    all: [{ events: { event: page_view, within_days: 30 } }]
    none: [{ events: { event: purchase, within_days: 30 } }]
`;

type Req = Partial<RecordEventRequest__Output> & Pick<RecordEventRequest__Output, 'customer_id' | 'type'>;
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

function world(segmentStore: SegmentStore) {
  const clock = new ManualClock(START);
  const catalog = parseCatalog(SEGMENT_CATALOG, 'segments-test');
  const store = new MemoryStore({ clock });
  const changes: SegmentChange[] = [];
  const segments = new Segments({
    catalog: () => catalog,
    loadCustomer: (id, at) => store.loadCustomer(id, at),
    store: segmentStore,
    clock,
    onChange: async (c) => void changes.push(c),
  });
  const deps = { store, log: new MemoryLogSink(), clock, onEvent: (e: Parameters<Segments['onEvent']>[0]) => segments.onEvent(e) };
  const event = (req: Req) =>
    recordEvent(deps, {
      item_id: '', category: '', message_id: '', channel: '', at: ts(clock.now()), attributes: null, name: '', decision_id: '', action_id: '',
      ...req,
    } as RecordEventRequest__Output);
  const members = async (id: string) => segments.list(id, '', 1000);
  /** Move the clock in steps of a day, sweeping due checks as a server's timer would. */
  const pass = async (ms: number) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.set(Math.min(end, clock.now() + DAY / 4));
      while ((await segments.tick(1000)) > 0) {
        /* drain */
      }
    }
  };
  return { clock, store, segments, changes, event, members, pass };
}

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
const prefix = `test-seg-${process.pid}-${Date.now()}`;
beforeAll(async () => {
  await redis.connect();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const stores: [string, () => SegmentStore][] = [
  ['memory', () => new MemorySegmentStore()],
  ['redis', () => new RedisSegmentStore(redis, `${prefix}:${Math.random().toString(36).slice(2)}`, 400 * DAY)],
];

describe.each(stores)('segment membership (%s store)', (_kind, make) => {
  it('event aggregates: enters on the third shoe view within 7 days, leaves when the first ages out', async () => {
    const w = world(make());
    await w.event({ customer_id: 'ann', type: 'CUSTOM', name: 'page_view', category: 'shoes' });
    await w.pass(DAY);
    await w.event({ customer_id: 'ann', type: 'CUSTOM', name: 'page_view', category: 'shoes' });
    await w.event({ customer_id: 'ann', type: 'CUSTOM', name: 'page_view', category: 'bags' });
    expect(await w.members('shoe_browsers')).toEqual([]);
    await w.pass(DAY);
    await w.event({ customer_id: 'ann', type: 'CUSTOM', name: 'page_view', category: 'shoes' });
    expect(await w.members('shoe_browsers')).toEqual(['ann']);
    // The first view (day 0) leaves the 7-day window at day 7: ann leaves with no event.
    await w.pass(5 * DAY - DAY / 4);
    expect(await w.members('shoe_browsers')).toEqual(['ann']);
    await w.pass(DAY / 4);
    expect(await w.members('shoe_browsers')).toEqual([]);
    expect(w.changes.filter((c) => c.segment === 'shoe_browsers').map((c) => c.change)).toEqual(['entered', 'left']);
  });

  it('purchases and money in 90 days: two purchases worth 100 or more', async () => {
    const w = world(make());
    await w.event({ customer_id: 'bo', type: 'PURCHASE', item_id: 'boot', category: 'shoes', attributes: { numeric: { value: 60 }, categorical: {} } });
    await w.pass(10 * DAY);
    await w.event({ customer_id: 'bo', type: 'PURCHASE', item_id: 'sock', category: 'shoes', attributes: { numeric: { value: 30 }, categorical: {} } });
    expect(await w.segments.count('big_spenders')).toBe(0); // 90 spent
    await w.event({ customer_id: 'bo', type: 'PURCHASE', item_id: 'lace', category: 'shoes', attributes: { numeric: { value: 15 }, categorical: {} } });
    expect(await w.members('big_spenders')).toEqual(['bo']);
    // Day 90: the 60 purchase leaves the window; 45 spent in the window now.
    await w.pass(80 * DAY);
    expect(await w.members('big_spenders')).toEqual([]);
  });

  it('cart contents: in while a shoe is in the cart, out when removed', async () => {
    const w = world(make());
    await w.event({ customer_id: 'cy', type: 'CART_ADD', item_id: 'boot', category: 'shoes' });
    expect(await w.members('shoes_in_cart')).toEqual(['cy']);
    await w.event({ customer_id: 'cy', type: 'CART_REMOVE', item_id: 'boot', category: 'shoes' });
    expect(await w.members('shoes_in_cart')).toEqual([]);
  });

  it('profile attributes, consent and time zone', async () => {
    const w = world(make());
    await w.event({ customer_id: 'di', type: 'PROFILE_UPDATE', attributes: { numeric: {}, categorical: { plan: 'free' } } });
    expect(await w.members('free_plan')).toEqual(['di']);
    expect(await w.members('sms_reachable')).toEqual([]);
    await w.store.setConsent('di', { channels: { sms: true }, timeZone: 'Europe/Paris' });
    await w.segments.refresh('di');
    expect(await w.members('sms_reachable')).toEqual(['di']);
    expect(await w.members('paris')).toEqual(['di']);
    await w.store.setConsent('di', { optOut: true });
    await w.event({ customer_id: 'di', type: 'PROFILE_UPDATE', attributes: { numeric: {}, categorical: { plan: 'paid' } } });
    expect(await w.members('free_plan')).toEqual([]);
    expect(await w.members('sms_reachable')).toEqual([]);
  });

  it('lifecycle: new, active, lapsing, lapsed as time passes; active again on an event', async () => {
    const w = world(make());
    await w.event({ customer_id: 'ed', type: 'CUSTOM', name: 'app_open' });
    expect(await w.members('new')).toEqual(['ed']);
    await w.pass(14 * DAY); // new_days over, last activity 14 d ago: active
    expect(await w.members('new')).toEqual([]);
    expect(await w.members('lapsing')).toEqual([]);
    await w.pass(16 * DAY); // 30 d idle
    expect(await w.members('lapsing')).toEqual(['ed']);
    await w.pass(30 * DAY); // 60 d idle
    expect(await w.members('lapsing')).toEqual([]);
    expect(await w.members('lapsed')).toEqual(['ed']);
    await w.event({ customer_id: 'ed', type: 'CUSTOM', name: 'app_open' });
    expect(await w.members('lapsed')).toEqual([]);
    // A delivery receipt is not the customer doing something.
    await w.pass(30 * DAY);
    await w.event({ customer_id: 'ed', type: 'MESSAGE_DELIVERED', message_id: 'autumn' });
    expect(await w.members('lapsing')).toEqual(['ed']);
  });

  it('none: browsers who bought nothing, until they buy', async () => {
    const w = world(make());
    await w.event({ customer_id: 'fa', type: 'CUSTOM', name: 'page_view', category: 'bags' });
    expect(await w.members('browsers_not_buyers')).toEqual(['fa']);
    await w.event({ customer_id: 'fa', type: 'PURCHASE', item_id: 'bag' });
    expect(await w.members('browsers_not_buyers')).toEqual([]);
  });

  it('counts and lists members in pages', async () => {
    const w = world(make());
    for (let i = 0; i < 25; i++) await w.event({ customer_id: `c${String(i).padStart(2, '0')}`, type: 'CART_ADD', item_id: 'boot', category: 'shoes' });
    expect(await w.segments.count('shoes_in_cart')).toBe(25);
    const pages: string[][] = [];
    let after = '';
    for (;;) {
      const page = await w.segments.list('shoes_in_cart', after, 10);
      if (page.length === 0) break;
      pages.push(page);
      after = page[page.length - 1] as string;
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual([...Array(25).keys()].map((i) => `c${String(i).padStart(2, '0')}`));
    await expect(w.segments.list('nope', '', 10)).rejects.toThrow(/unknown segment/);
    await expect(w.segments.list('shoes_in_cart', '', 0)).rejects.toThrow(/page_size/);
  });

  it('concurrent events of one customer all count', async () => {
    const w = world(make());
    await Promise.all([1, 2, 3].map(() => w.event({ customer_id: 'gu', type: 'CUSTOM', name: 'page_view', category: 'shoes' })));
    expect(await w.members('shoe_browsers')).toEqual(['gu']);
  });
});
