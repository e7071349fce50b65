/**
 * A fixed sequence of RecordEvent / SetConsent / Decide / Reward / sweep calls
 * over the sample catalog, on a fake clock with fixed seeds and ids, in memory
 * mode. Its trace (every answer and every decision-log line) is recorded in
 * test/fixtures/decisions/ and replayed by decision-fixture.test.ts: the same
 * inputs must give the same decisions, to the last bit of every probability
 * and score, across refactorings. A change to learner or exploration maths
 * changes the trace on purpose: re-record it (see the test) and say why in
 * the commit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCatalog } from '../../src/catalog/load.js';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { SeededRandom } from '../../src/core/random.js';
import { MemoryLogSink } from '../../src/decision/log-sinks.js';
import { features } from '../../src/domain/features.js';
import { createTact } from '../../src/main.js';
import { parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';

export const FIXTURE_DIR = path.join(import.meta.dirname, '../fixtures/decisions');

/** The default policy (default learner and exploration) next to bayes-linear. */
const POLICIES = `default: default
policies:
  - name: default
    reward: { windowSeconds: 3600 }
  - name: linear
    learner: { kind: bayes-linear }
    reward: { windowSeconds: 3600 }
`;

const TRIGGERS = ['cart_abandoned', 'browse', 'app_open', 'order_shipped', 'purchase', 'inactive_30d'] as const;
const CATEGORIES = ['shoes', 'outerwear', 'accessories', 'beauty', 'home'] as const;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', ''] as const;

export interface TraceStep {
  readonly call: string;
  readonly [key: string]: unknown;
}

/** Runs the sequence and returns what every call answered, then the decision log. */
export async function runDecisionSequence(rounds = 240): Promise<{ steps: TraceStep[]; log: unknown[] }> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 10, 0, 0));
  const log = new MemoryLogSink();
  const catalogPath = path.join(FIXTURE_DIR, 'catalog.yaml');
  const catalog = parseCatalog(readFileSync(catalogPath, 'utf8'), catalogPath);
  const policies = PolicySet.fromConfig(parsePolicies(POLICIES, 'fixture'));
  let id = 0;
  const newId = () => (id++).toString(16).padStart(16, '0');
  const tact = createTact(configSchema.parse({ logLevel: 'silent' }), { clock, log, policies, catalog, seed: 7, newId });
  const rng = new SeededRandom(20260105);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)] as T;
  const steps: TraceStep[] = [];
  const customers = Array.from({ length: 12 }, (_, i) => `c${i}`);
  for (const [i, c] of customers.entries()) {
    const patch = { timeZone: ZONES[i % ZONES.length] as string, channels: { sms: i % 3 === 0 } };
    await tact.store.setConsent(c, i % 7 === 5 ? { ...patch, optOut: true } : patch);
    if (i % 4 === 1) await tact.store.setConsent(c, { unreachable: ['push'] });
    steps.push({ call: 'SetConsent', customerId: c });
  }
  for (let round = 0; round < rounds; round++) {
    const customerId = pick(customers);
    const r = rng.next();
    if (r < 0.25) {
      const type = pick(['cart_add', 'purchase', 'cart_remove', 'profile_update', 'message_ignored'] as const);
      const category = pick(CATEGORIES);
      const event =
        type === 'profile_update'
          ? { type, at: clock.now(), attributes: features({ age: 20 + Math.floor(rng.next() * 50) }, { tier: pick(['gold', 'silver']) }) }
          : type === 'message_ignored'
            ? { type, at: clock.now(), messageId: 'cart_shoes', channel: 'email' }
            : { type, at: clock.now(), itemId: `${category}-${Math.floor(rng.next() * 3)}`, category };
      await tact.store.recordEvent(customerId, event);
      steps.push({ call: 'RecordEvent', customerId, event });
    } else {
      const policy = rng.next() < 0.5 ? 'default' : 'linear';
      const decision = await tact.engine.decide({
        customerId,
        trigger: pick(TRIGGERS),
        context: features({ basket: Math.round(rng.next() * 300) }, { device: pick(['ios', 'android', 'web']) }),
        topK: rng.next() < 0.2 ? 2 : 1,
        policy,
        at: clock.now(),
        explain: rng.next() < 0.15,
      });
      steps.push({ call: 'Decide', decision });
      const first = decision.choices[0];
      if (first && !first.noSend && rng.next() < 0.4) {
        const status = await tact.joiner.reward({ decisionId: decision.decisionId, value: Math.round(rng.next() * 100) });
        steps.push({ call: 'Reward', decisionId: decision.decisionId, status });
      }
    }
    clock.advance(60_000 + Math.floor(rng.next() * 600_000));
    if (round % 20 === 19) steps.push({ call: 'Sweep', closed: await tact.joiner.sweep() });
  }
  clock.advance(2 * 3600_000);
  steps.push({ call: 'Sweep', closed: await tact.joiner.sweep() });
  await tact.close();
  return { steps, log: log.lines };
}
