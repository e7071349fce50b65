import { pino } from 'pino';
import { expect } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { Campaigns } from '../../src/campaigns/campaigns.js';
import type { CampaignStore } from '../../src/campaigns/campaign-store.js';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogSink } from '../../src/decision/log-sinks.js';
import type { DecideInput, Decision } from '../../src/domain/decision.js';
import { createTact, type Tact } from '../../src/main.js';
import type { SegmentStore } from '../../src/segments/segment-store.js';
import { Segments } from '../../src/segments/segments.js';
import type { TactStore } from '../../src/store/store.js';

export const DAY = 86_400_000;
export const NOON = Date.UTC(2026, 0, 5, 12);

export const CAMPAIGN_CATALOG = `
channels:
  - { id: email, cost: 0.001, consent: opt_out }
  - { id: sms, cost: 0.05, consent: opt_out }
send_slots: [{ id: now, delay_minutes: 0 }]
triggers:
  - { id: autumn }
  - { id: welcome, when: { event: segment.free_users.entered } }
messages:
  - { id: autumn_offer, triggers: [autumn], channels: [sms, email], category: shoes, value: 80 }
  - { id: welcome_tips, triggers: [welcome], channels: [email], category: service, value: 1, service: true }
segments:
  - id: free_users
    all: [{ attribute: { name: plan, in: [free] } }]
`;

export interface Replica {
  readonly tact: Tact;
  readonly campaigns: Campaigns;
  readonly log: MemoryLogSink;
  /** Decisions this replica's pipeline made (including repeats answered by request id). */
  readonly decisions: Decision[];
}

let ids = 0;

/** One replica: a Tact on `store`, and a campaign runner on the shared campaign and segment stores. */
export function replica(options: {
  clock: ManualClock;
  store?: TactStore;
  campaignStore: CampaignStore;
  segmentStore: SegmentStore;
  catalog?: Catalog;
  /** Wraps decide, e.g. to kill the replica after n decisions. */
  wrap?: (decide: (i: DecideInput) => Promise<Decision>) => (i: DecideInput) => Promise<Decision>;
  chunkSize?: number;
}): Replica {
  const catalog = options.catalog ?? parseCatalog(CAMPAIGN_CATALOG, 'campaign-test');
  const log = new MemoryLogSink();
  const config = configSchema.parse({ logLevel: 'silent', seed: 7 });
  // Decision ids must look like Tact's (hex); replicas differ in the high digits.
  let n = ++ids * 0x1000000000;
  const tact = createTact(config, {
    clock: options.clock,
    log,
    catalog,
    ...(options.store ? { store: options.store } : {}),
    newId: () => (n++).toString(16).padStart(16, '0'),
  });
  const decisions: Decision[] = [];
  const decide = async (i: DecideInput) => {
    const d = await tact.engine.decide(i);
    decisions.push(d);
    return d;
  };
  const segments = new Segments({ catalog: () => catalog, loadCustomer: (id, at) => tact.store.loadCustomer(id, at), store: options.segmentStore, clock: options.clock });
  const campaigns = new Campaigns({
    catalog: () => catalog,
    store: options.campaignStore,
    segments,
    decide: options.wrap ? options.wrap(decide) : decide,
    estimate: (i) => tact.engine.estimateUplift(i),
    clock: options.clock,
    log,
    logger: pino({ level: 'silent' }),
    leaseMs: 30_000,
    chunkSize: options.chunkSize ?? 100,
  });
  return { tact, campaigns, log, decisions };
}

/** Put `n` customers c00000.. in the segment's index (membership itself is tested in test/segments). */
export async function audience(store: SegmentStore, segment: string, n: number): Promise<string[]> {
  const out = [...Array(n).keys()].map((i) => `c${String(i).padStart(5, '0')}`);
  for (const id of out) await store.index(id, [segment], [], undefined);
  return out;
}

/**
 * Run a replica's campaign until it is done, or until it has found nothing
 * to do `idle` times in a row (every chunk leased by another replica).
 */
export async function drain(r: Replica, id: string, idle = 20): Promise<void> {
  let idleRounds = 0;
  while (idleRounds < idle) {
    if ((await r.campaigns.work(id, 1000)) > 0) idleRounds = 0;
    else {
      if ((await r.campaigns.get(id)).progress.phase === 'done') return;
      idleRounds++;
      await new Promise((res) => setTimeout(res, 5));
    }
  }
}

/** SMS sends among decisions, counted once per decision id. */
export function smsSends(decisions: readonly Decision[]): Map<string, string> {
  const byCustomer = new Map<string, string>();
  const seen = new Set<string>();
  for (const d of decisions) {
    if (seen.has(d.decisionId)) continue;
    seen.add(d.decisionId);
    for (const c of d.choices) if (c.channel === 'sms') byCustomer.set(`${d.customerId}|${d.decisionId}`, d.customerId);
  }
  return byCustomer;
}

export const START = { id: 'autumn-1', segment: 'free_users', trigger: 'autumn', budgets: { perChannelPerDay: { sms: 500 } }, endAt: NOON + DAY };

/** Decisions per customer across replicas, by distinct decision id. */
export function decisionsPerCustomer(all: readonly Decision[]): Map<string, Set<string>> {
  const per = new Map<string, Set<string>>();
  for (const d of all) {
    let s = per.get(d.customerId);
    if (!s) per.set(d.customerId, (s = new Set()));
    s.add(d.decisionId);
  }
  return per;
}

/** After `n` decisions the replica "dies": its next decision is made (budget reserved, decision saved) but the runner never returns. */
export const killAfter = (n: number) => (decide: (i: DecideInput) => Promise<Decision>) => {
  let calls = 0;
  return async (i: DecideInput): Promise<Decision> => {
    calls++;
    const d = await decide(i);
    if (calls > n) return new Promise<Decision>(() => undefined);
    return d;
  };
};

export function expectCampaignInvariants(all: readonly Decision[], members: number, smsBudget = 500) {
  const sms = smsSends(all);
  expect(sms.size).toBeLessThanOrEqual(smsBudget);
  const per = decisionsPerCustomer(all);
  const twice = [...per.values()].filter((s) => s.size > 1).length;
  expect(twice).toBe(0);
  expect(per.size).toBeLessThanOrEqual(members);
  return { sms: sms.size, decided: per.size };
}

