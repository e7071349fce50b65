import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { loadCatalog } from '../../src/catalog/load.js';
import type { DecideInput } from '../../src/domain/decision.js';
import {
  compareWithBaselines,
  formatComparison,
  oracleService,
  randomService,
  runSimulation,
  type CustomerView,
  type SimEvent,
  type SimulatedService,
} from '../../src/simulate/runner.js';
import { MarketingWorld } from '../../src/simulate/world.js';

const SAMPLE = new URL('../../models/catalog.yaml', import.meta.url).pathname;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(SAMPLE);
});

const world = (seed = 7): MarketingWorld => new MarketingWorld(catalog, { seed, customers: 400 });

/** Wraps a service and records every call the runner makes. */
function spy(inner: SimulatedService): SimulatedService & {
  inputs: DecideInput[];
  views: CustomerView[];
  rewards: { decisionId: string; actionId: string; value: number }[];
  settled: string[];
  advanced: number[];
  events: SimEvent[];
  decisions: Map<string, string>;
} {
  const s = {
    name: inner.name,
    inputs: [] as DecideInput[],
    views: [] as CustomerView[],
    rewards: [] as { decisionId: string; actionId: string; value: number }[],
    settled: [] as string[],
    advanced: [] as number[],
    events: [] as SimEvent[],
    decisions: new Map<string, string>(),
    async decide(input: DecideInput, view: CustomerView) {
      s.inputs.push(input);
      s.views.push(view);
      const d = await inner.decide(input, view);
      s.decisions.set(d.decisionId, d.choices[0]?.actionId ?? '');
      return d;
    },
    async reward(decisionId: string, actionId: string, value: number) {
      s.rewards.push({ decisionId, actionId, value });
    },
    async settle(decisionId: string) {
      s.settled.push(decisionId);
    },
    advance(ms: number) {
      s.advanced.push(ms);
    },
    async observe(e: SimEvent) {
      s.events.push(e);
    },
  };
  return s;
}

describe('runSimulation', () => {
  it('is reproducible with a fixed seed', async () => {
    const a = await runSimulation({ world: world(), service: randomService(catalog, 1), rounds: 1500, seed: 3 });
    const b = await runSimulation({ world: world(), service: randomService(catalog, 1), rounds: 1500, seed: 3 });
    const c = await runSimulation({ world: world(), service: randomService(catalog, 1), rounds: 1500, seed: 4 });
    expect(a).toEqual(b);
    expect(c.net).not.toBe(a.net);
  });

  it('keeps consistent books and tells the service what it needs', async () => {
    const s = spy(randomService(catalog, 2));
    const r = await runSimulation({ world: world(), service: s, rounds: 2000, seed: 5, stepMs: 120_000, checkpointEvery: 500 });
    expect(s.inputs).toHaveLength(2000);
    expect(s.advanced).toEqual(new Array(1999).fill(120_000));
    expect(s.inputs[1]?.at).toBe((s.inputs[0]?.at ?? 0) + 120_000);
    for (const input of s.inputs.slice(0, 50)) {
      expect(input.topK).toBe(1);
      expect(catalog.triggers.has(input.trigger)).toBe(true);
      expect(input.context.categorical['segment']).toBeDefined();
      expect(input.context.categorical['event_category']).toBeDefined();
    }
    expect(s.views.map((v) => v.id)).toEqual(s.inputs.map((i) => i.customerId));
    // One reward per conversion, on the decision's own action; every other decision settles.
    expect(s.rewards).toHaveLength(r.conversions);
    for (const rw of s.rewards) {
      expect(s.decisions.get(rw.decisionId)).toBe(rw.actionId);
      expect(rw.value).toBeGreaterThan(0);
    }
    expect(s.rewards.length + s.settled.length).toBe(2000);
    expect(r.value).toBeCloseTo(s.rewards.reduce((a, x) => a + x.value, 0), 6);
    // Sends, costs and complaints add up.
    expect(Object.values(r.sendsByChannel).reduce((a, b) => a + b, 0)).toBe(r.sends);
    const cost = Object.entries(r.sendsByChannel).reduce((a, [ch, n]) => a + n * (catalog.channels.get(ch)?.cost ?? 0), 0);
    expect(r.cost).toBeCloseTo(cost, 9);
    expect(r.net).toBeCloseTo(r.value - r.cost, 9);
    expect(r.opens + r.ignored).toBe(r.sends);
    expect(r.complaints).toBeGreaterThanOrEqual(r.ignored);
    expect(r.complaints).toBeLessThanOrEqual(r.ignored + r.annoyed);
    expect(r.curve.map((p) => p.round)).toEqual([500, 1000, 1500, 2000]);
    expect(r.curve.at(-1)?.net).toBeCloseTo(r.net, 9);
    // Customer activity reaches the service: carts, purchases and each send's fate.
    const kinds = new Set(s.events.map((e) => e.kind));
    for (const k of ['cart_add', 'purchase', 'delivered', 'opened', 'ignored']) expect(kinds).toContain(k);
    expect(s.events.filter((e) => e.kind === 'delivered')).toHaveLength(r.sends);
  });

  it('the oracle beats random by a clear margin, and every policy counts the same rounds', async () => {
    const c = await compareWithBaselines({ makeWorld: () => world(21), services: [], rounds: 6000, seed: 8 });
    expect(c.oracle.net).toBeGreaterThan(2 * c.random.net);
    expect(c.oracle.conversions).toBeGreaterThan(1.8 * c.random.conversions);
    // Sending blindly still beats never sending, and the oracle wastes fewer sends.
    expect(c.random.net).toBeGreaterThan(c.noSend.net);
    expect(c.noSend.sends).toBe(0);
    for (const r of [c.random, c.noSend, c.oracle]) expect(r.rounds).toBe(6000);
    expect(c.oracle.complaints / c.oracle.sends).toBeLessThan(c.random.complaints / c.random.sends);
    const table = formatComparison(c);
    for (const name of ['random', 'no-send', 'oracle', '% of oracle', 'complaints']) expect(table).toContain(name);
    expect(table).toMatch(/oracle\s+\d+.*100\.0%\s+100\.0%/);
  });

  it('scores a plugged-in service against the baselines on the same stream', async () => {
    // A crude contextual rule: on a cart event, remind about the cart's category by email now.
    const cartRule = (w: MarketingWorld): SimulatedService => {
      const oracle = oracleService(w);
      const random = randomService(w.catalog, 9);
      return {
        name: 'cart-rule',
        decide: async (input, view) => {
          const category = input.context.categorical['event_category'];
          if (input.trigger !== 'cart_abandoned' || category === undefined) return random.decide(input, view);
          const d = await oracle.decide(input, view); // a valid Decision shape to edit
          const choice = d.choices[0];
          if (!choice) return d;
          return { ...d, choices: [{ ...choice, actionId: `cart_${category}:email:now`, messageId: `cart_${category}`, channel: 'email', sendAt: input.at, sendSlot: 'now', noSend: false }] };
        },
        reward: async () => {},
      };
    };
    const c = await compareWithBaselines({ makeWorld: () => world(4), services: [cartRule], rounds: 4000, seed: 2 });
    const rule = c.results[0];
    expect(rule?.policy).toBe('cart-rule');
    expect(rule?.net).toBeGreaterThan(c.random.net);
    expect(rule?.net).toBeLessThan(c.oracle.net);
  });
});
