import type { Catalog } from '../catalog/catalog.js';
import { catalogCandidates } from '../catalog/candidates.js';
import { murmur3 } from '../core/hash.js';
import { randomInt, SeededRandom } from '../core/random.js';
import type { Candidate, Choice, Decision, DecideInput } from '../domain/decision.js';
import { mergeFeatures } from '../domain/features.js';
import type { MarketingWorld, SimAction, SimCustomer } from './world.js';
import { tactError } from '../core/errors.js';

/**
 * Streams world events through a decision service and keeps score. The same
 * seed gives every service the same customers, triggers and per-round luck,
 * so policies are compared on common random numbers.
 */

/** What the service may know about the customer beyond the request: what a client has on file. */
export interface CustomerView {
  readonly id: string;
  readonly timeZone: string;
  readonly hasApp: boolean;
  readonly preferredChannel: string;
}

/** Customer activity the world produced, for services that keep customer state (RecordEvent). */
export type SimEvent =
  | { readonly kind: 'cart_add' | 'purchase'; readonly customerId: string; readonly at: number; readonly item: string; readonly category: string }
  | {
      readonly kind: 'delivered' | 'opened' | 'ignored' | 'annoyed';
      readonly customerId: string;
      readonly at: number;
      readonly messageId: string;
      readonly channel: string;
      /** The decision whose send this is about: a receipt, as a delivery provider's webhook carries it. */
      readonly decisionId: string;
    };

/**
 * A decision service under simulation. The real engine plugs in through an
 * adapter; `randomService`, `noSendService` and `oracleService` are baselines.
 */
export interface SimulatedService {
  readonly name: string;
  /** Decide for one event; the first choice is executed (no choices = no-send). */
  decide(input: DecideInput, customer: CustomerView): Promise<Decision>;
  /** A conversion of `value` followed the decision's action. Only called on conversions. */
  reward(decisionId: string, actionId: string, value: number): Promise<void>;
  /** No reward will come for this decision (its attribution window has closed in simulated time). */
  settle?(decisionId: string): Promise<void>;
  /** Simulated time moved on by `ms` (drive a ManualClock). */
  advance?(ms: number): void;
  /** Customer activity, to be recorded as a client would (RecordEvent). */
  observe?(event: SimEvent): Promise<void>;
}

export interface SimulationOptions {
  readonly world: MarketingWorld;
  readonly service: SimulatedService;
  readonly rounds: number;
  readonly seed: number;
  /** Simulated start time; default 2026-01-05 00:00 UTC (a Monday). */
  readonly startMs?: number;
  /** Simulated time between events; default 3 minutes. */
  readonly stepMs?: number;
  /** Record the cumulative net value every `checkpointEvery` rounds; default rounds / 20. */
  readonly checkpointEvery?: number;
}

export interface SimulationResult {
  readonly policy: string;
  readonly rounds: number;
  readonly conversions: number;
  /** Conversions that would have happened without a send. */
  readonly organicConversions: number;
  /** Order value of all conversions. */
  readonly value: number;
  /** Channel costs of all sends. */
  readonly cost: number;
  /** value - cost: the figure policies compete on. */
  readonly net: number;
  readonly sends: number;
  readonly sendsByChannel: Readonly<Record<string, number>>;
  readonly opens: number;
  /** Sends never opened. */
  readonly ignored: number;
  readonly annoyed: number;
  /** Complaint proxy: sends ignored or annoying (an annoying send counts once). */
  readonly complaints: number;
  /** Cumulative net value at each checkpoint: a learning curve. */
  readonly curve: readonly { readonly round: number; readonly net: number }[];
}

export const DEFAULT_START_MS = Date.UTC(2026, 0, 5, 0, 0, 0);
const DEFAULT_STEP_MS = 3 * 60_000;

function viewOf(c: SimCustomer): CustomerView {
  return { id: c.id, timeZone: c.profile.timeZone, hasApp: c.profile.hasApp, preferredChannel: c.profile.preferredChannel };
}

/** The world's view of what was executed: the choice's channel and (possibly deferred) time. */
function executed(choice: Choice | undefined, catalog: Catalog, atMs: number): SimAction {
  if (!choice || choice.noSend || choice.channel === '') {
    return { messageId: '', channel: '', sendAt: atMs, noSend: true, cost: 0 };
  }
  const cost = catalog.channels.get(choice.channel)?.cost ?? 0;
  return { messageId: choice.messageId, channel: choice.channel, sendAt: choice.sendAt, noSend: false, cost };
}

class Tally {
  conversions = 0;
  organicConversions = 0;
  value = 0;
  cost = 0;
  sends = 0;
  opens = 0;
  ignored = 0;
  annoyed = 0;
  complaints = 0;
  readonly sendsByChannel: Record<string, number> = {};
  readonly curve: { round: number; net: number }[] = [];
}

/** Run one service against one world. Mutates the world: give each run a fresh one. */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const { world, service, rounds, seed } = options;
  const start = options.startMs ?? DEFAULT_START_MS;
  const step = options.stepMs ?? DEFAULT_STEP_MS;
  const every = Math.max(1, options.checkpointEvery ?? Math.floor(rounds / 20));
  const eventRng = new SeededRandom(seed);
  const t = new Tally();
  for (let round = 0; round < rounds; round++) {
    const at = start + round * step;
    if (round > 0) service.advance?.(step);
    const event = world.nextEvent(eventRng, at);
    const customer = event.customer;
    if (event.trigger === 'cart_abandoned' || event.trigger === 'purchase') {
      const { item, category } = customer.state.current;
      await service.observe?.({ kind: event.trigger === 'purchase' ? 'purchase' : 'cart_add', customerId: customer.id, at, item, category });
    }
    const input: DecideInput = {
      customerId: customer.id,
      trigger: event.trigger,
      context: mergeFeatures(world.observableFeatures(customer, at), event.context),
      topK: 1,
      at,
      explain: false,
    };
    const decision = await service.decide(input, viewOf(customer));
    const choice = decision.choices[0];
    const action = executed(choice, world.catalog, at);
    // Per-round luck, independent of how many draws earlier rounds used.
    const response = world.respond(customer, action, at, new SeededRandom(murmur3(`${seed}:${round}`)));
    world.record(customer, action, at, response);
    count(t, action, response);
    await tellService(service, { customerId: customer.id, decisionId: decision.decisionId }, at, action, response);
    if (response.converted && choice) await service.reward(decision.decisionId, choice.actionId, response.value);
    else await service.settle?.(decision.decisionId);
    if ((round + 1) % every === 0 || round + 1 === rounds) t.curve.push({ round: round + 1, net: t.value - t.cost });
  }
  return {
    policy: service.name,
    rounds,
    conversions: t.conversions,
    organicConversions: t.organicConversions,
    value: t.value,
    cost: t.cost,
    net: t.value - t.cost,
    sends: t.sends,
    sendsByChannel: t.sendsByChannel,
    opens: t.opens,
    ignored: t.ignored,
    annoyed: t.annoyed,
    complaints: t.complaints,
    curve: t.curve,
  };
}

function count(t: Tally, action: SimAction, r: { converted: boolean; organic: boolean; value: number; opened: boolean; annoyed: boolean }): void {
  if (r.converted) {
    t.conversions++;
    t.value += r.value;
    if (r.organic) t.organicConversions++;
  }
  if (action.noSend) return;
  t.sends++;
  t.cost += action.cost;
  t.sendsByChannel[action.channel] = (t.sendsByChannel[action.channel] ?? 0) + 1;
  if (r.opened) t.opens++;
  else t.ignored++;
  if (r.annoyed) t.annoyed++;
  if (!r.opened || r.annoyed) t.complaints++;
}

async function tellService(
  service: SimulatedService,
  who: { readonly customerId: string; readonly decisionId: string },
  at: number,
  action: SimAction,
  r: { opened: boolean; annoyed: boolean },
): Promise<void> {
  if (!service.observe || action.noSend) return;
  const base = { ...who, at: action.sendAt, messageId: action.messageId, channel: action.channel };
  await service.observe({ kind: 'delivered', ...base });
  await service.observe({ kind: r.opened ? 'opened' : 'ignored', ...base });
  if (r.annoyed) await service.observe({ kind: 'annoyed', ...base, at: Math.max(at, action.sendAt) });
}

// ---------------------------------------------------------------- baselines

/** One candidate a baseline picks, with the probability and score it reports. */
interface BaselinePick {
  readonly candidate: Candidate;
  readonly probability: number;
  readonly score: number;
}

/**
 * A baseline: picks one of the catalog candidates per decision and learns
 * nothing. Decision ids are `<name>-<n>`.
 */
function baselineService(
  name: string,
  catalog: Catalog,
  pick: (candidates: readonly Candidate[], input: DecideInput, view: CustomerView) => BaselinePick,
): SimulatedService {
  let n = 0;
  return {
    name,
    decide: async (input, view) => {
      const candidates = catalogCandidates(catalog, input.trigger, input.at, view.timeZone);
      const { candidate: c, probability, score } = pick(candidates, input, view);
      return {
        decisionId: `${name}-${n++}`,
        customerId: input.customerId,
        policy: name,
        modelVersion: name,
        at: input.at,
        choices: [
          {
            actionId: c.id,
            messageId: c.messageId,
            channel: c.channel,
            probability,
            score,
            sendAt: c.sendAt,
            sendSlot: c.sendSlot,
            noSend: c.noSend,
            explored: false,
          },
        ],
        removed: [],
        holdout: false,
      };
    },
    reward: async () => {},
  };
}

/** Uniform over the catalog candidates (no-send included): the floor a policy must clear. */
export function randomService(catalog: Catalog, seed: number): SimulatedService {
  const rng = new SeededRandom(seed);
  return baselineService('random', catalog, (candidates) => ({
    candidate: candidates[randomInt(rng, candidates.length)] as Candidate,
    probability: 1 / candidates.length,
    score: 0,
  }));
}

/** Never sends: the control holdout. Its value is the organic conversions alone. */
export function noSendService(catalog: Catalog): SimulatedService {
  return baselineService('no-send', catalog, (candidates) => ({
    candidate: candidates.find((x) => x.noSend) as Candidate,
    probability: 1,
    score: 0,
  }));
}

/** Sees the hidden traits and picks the best expected net value: the ceiling. */
export function oracleService(world: MarketingWorld): SimulatedService {
  return baselineService('oracle', world.catalog, (candidates, input, view) => {
    const customer = world.customer(view.id);
    if (!customer) throw tactError('INVARIANT', `oracle: unknown customer ${view.id}`);
    const best = world.best(customer, candidates, input.at) as Candidate;
    return { candidate: best, probability: 1, score: world.expected(customer, best, input.at).expectedNet };
  });
}

// ---------------------------------------------------------------- comparison

export interface ComparisonOptions {
  /** A fresh world per run: runs mutate their world. */
  readonly makeWorld: () => MarketingWorld;
  /** Services under test, built against the world they will run in. */
  readonly services: readonly ((world: MarketingWorld) => SimulatedService)[];
  readonly rounds: number;
  readonly seed: number;
  readonly stepMs?: number;
}

export interface Comparison {
  readonly results: readonly SimulationResult[];
  readonly random: SimulationResult;
  readonly oracle: SimulationResult;
  readonly noSend: SimulationResult;
}

/** Run the services and the baselines (random, no-send, oracle) on identical streams. */
export async function compareWithBaselines(options: ComparisonOptions): Promise<Comparison> {
  const run = async (make: (w: MarketingWorld) => SimulatedService): Promise<SimulationResult> => {
    const world = options.makeWorld();
    return runSimulation({
      world,
      service: make(world),
      rounds: options.rounds,
      seed: options.seed,
      ...(options.stepMs === undefined ? {} : { stepMs: options.stepMs }),
    });
  };
  const results: SimulationResult[] = [];
  for (const make of options.services) results.push(await run(make));
  return {
    results,
    random: await run((w) => randomService(w.catalog, options.seed ^ 0x9e3779b9)),
    noSend: await run((w) => noSendService(w.catalog)),
    oracle: await run((w) => oracleService(w)),
  };
}

/**
 * Net value earned in the last quarter of a run (from its learning curve):
 * what a policy does once it has learned, without its learning phase.
 */
export function lastQuarterNet(r: SimulationResult): number {
  const at = (round: number): number => r.curve.find((p) => p.round === round)?.net ?? NaN;
  return at(r.rounds) - at((3 * r.rounds) / 4);
}

const money = (x: number): string => x.toFixed(0);
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');

/**
 * A fixed-width table: each policy's net value, conversions, sends and
 * complaint proxy, its share of the oracle's net value, and the share of the
 * random-to-oracle gap it closes (0% = random, 100% = oracle).
 */
export function formatComparison(c: Comparison): string {
  const rows = [...c.results, c.random, c.noSend, c.oracle];
  const header = ['policy', 'net value', 'conversions', 'sends', 'complaints', 'compl/send', '% of oracle', 'gap closed'];
  const body = rows.map((r) => [
    r.policy,
    money(r.net),
    String(r.conversions),
    String(r.sends),
    String(r.complaints),
    pct(r.sends === 0 ? NaN : r.complaints / r.sends),
    pct(r.net / c.oracle.net),
    pct((r.net - c.random.net) / (c.oracle.net - c.random.net)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [
    `${c.oracle.rounds} rounds; net value = conversion value - channel costs`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}
