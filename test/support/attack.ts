/**
 * Random client traffic for the property suite (test/integrity/properties.test.ts)
 * and its long run (bench/integrity-properties.ts): sequences of every
 * DecisionService call across a few customers, with values from the whole
 * range (extreme finite numbers, negative rewards, long and odd strings, far
 * past and future times, empty and huge maps), and a model of what the
 * contact rules must have enforced.
 */
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import type { RunningTact } from '../../src/cli/serve.js';
import { allFinite } from '../../src/policies/learner-guard.js';
import type { DecideResponse__Output } from '../../src/server/generated/tact/v1/DecideResponse.js';
import { TestClient } from './grpc-client.js';

export const CUSTOMERS = ['alice', 'bob', 'carol'];
const CHANNELS = ['email', 'sms', 'push', 'in_app', 'web'];
const HOUR = 3_600_000;
/** models/catalog.yaml: the caps the rules must hold. */
export const CAPS: Record<string, { max: number; windowMs: number }[]> = {
  email: [
    { max: 3, windowMs: 168 * HOUR },
    { max: 1, windowMs: 24 * HOUR },
  ],
  sms: [
    { max: 1, windowMs: 24 * HOUR },
    { max: 3, windowMs: 168 * HOUR },
  ],
  push: [{ max: 3, windowMs: 24 * HOUR }],
  in_app: [{ max: 5, windowMs: 24 * HOUR }],
};
const OPT_IN = new Set(['sms']);

const extremeNumber = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, -1, 1e-308, -1e-308, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, 1e155, 1e9, 1e12, -0.02, 1e6, -1e6) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 6, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
);
const oddString = fc.oneof(
  fc.constantFrom('', 'x', '\u0000', '\uFFFD', 'é', '😀', ' ', 'a'.repeat(129), 'b'.repeat(257), 'c'.repeat(5000)),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const featureName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('x', 'age', 'basket', 'seg') }, { weight: 1, arbitrary: oddString });
const categoryValue = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('a', 'b', 'vip') }, { weight: 1, arbitrary: oddString });
const features = fc.record({
  numeric: fc.oneof(fc.constant({}), fc.dictionary(featureName, extremeNumber, { maxKeys: 6 })),
  categorical: fc.oneof(fc.constant({}), fc.dictionary(featureName, categoryValue, { maxKeys: 4 })),
});
/** Huge maps now and then: more features than allowed. */
const hugeFeatures = fc.constant({ numeric: Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`f${i}`, i])), categorical: {} });
const time = (now: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(-62135596800000, 0, Date.UTC(9999, 0, 1), now - 400 * 86_400_000, now + 86_400_000, now + 60_000, now - HOUR) },
    { weight: 2, arbitrary: fc.integer({ min: -5 * 86_400_000, max: 0 }).map((d) => now + d) },
  );
const ts = (ms: number | undefined) => (ms === undefined ? null : { seconds: Math.floor(ms / 1000), nanos: 0 });
const customer = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...CUSTOMERS) }, { weight: 1, arbitrary: oddString });

export type Command =
  | { kind: 'decide'; customer: string; context: object; candidates: { id: string; channel: string; features?: object }[]; at?: number; topK: number; policy: string }
  | { kind: 'reward'; pick: number; value: number; action: string; event: string }
  | { kind: 'stream'; rewards: { pick: number; value: number }[] }
  | { kind: 'event'; customer: string; type: string; at?: number; item: string; attributes: object | null }
  | { kind: 'consent'; customer: string; channels: Record<string, boolean>; optOut?: boolean; timeZone: string }
  | { kind: 'forget'; customer: string };

export function commandArb(now: number): fc.Arbitrary<Command> {
  const candidate = fc.record({
    id: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e') }, { weight: 1, arbitrary: oddString }),
    channel: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...CHANNELS) }, { weight: 1, arbitrary: oddString }),
    features: fc.option(features, { nil: undefined }),
  });
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('decide' as const),
        customer,
        context: fc.oneof({ weight: 9, arbitrary: features }, { weight: 1, arbitrary: hugeFeatures }),
        candidates: fc.uniqueArray(candidate, { minLength: 1, maxLength: 5, selector: (c) => c.id }),
        at: time(now),
        topK: fc.integer({ min: 0, max: 4 }),
        policy: fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: oddString }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('reward' as const),
        pick: fc.nat(),
        value: extremeNumber,
        action: fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: oddString }),
        event: fc.oneof(fc.constant(''), fc.constantFrom('e1', 'e2'), oddString),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('stream' as const),
        rewards: fc.array(fc.record({ pick: fc.nat(), value: extremeNumber }), { maxLength: 6 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('event' as const),
        customer,
        type: fc.constantFrom('PURCHASE', 'CART_ADD', 'MESSAGE_IGNORED', 'PROFILE_UPDATE', 'UNSUBSCRIBE', 'TYPE_UNSPECIFIED'),
        at: time(now),
        item: oddString,
        attributes: fc.option(features, { nil: null }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          kind: fc.constant('consent' as const),
          customer,
          channels: fc.dictionary(fc.oneof(fc.constantFrom(...CHANNELS), oddString), fc.boolean(), { maxKeys: 4 }),
          optOut: fc.boolean(),
          timeZone: fc.oneof(fc.constant(''), fc.constantFrom('Europe/Paris', 'Pacific/Kiritimati', 'Nowhere/City'), oddString),
        },
        { requiredKeys: ['kind', 'customer', 'channels', 'timeZone'] },
      ),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), customer }) },
  );
}

interface CustomerModel {
  optOut: boolean;
  consent: Record<string, boolean>;
  /** Send times per channel since the customer was last forgotten. */
  sends: Record<string, number[]>;
}

/** Statuses a client error may get; anything else (INTERNAL, UNKNOWN, UNAVAILABLE...) fails the property. */
const CLIENT_ERRORS = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.NOT_FOUND, grpc.status.FAILED_PRECONDITION, grpc.status.UNIMPLEMENTED]);

/** Runs command sequences against a server and checks what must hold after each call and each sequence. */
export class AttackRunner {
  private readonly decisions: string[] = [];
  private readonly model = new Map<string, CustomerModel>();
  readonly counts = { calls: 0, rejected: 0, sends: 0 };

  constructor(
    private readonly client: TestClient,
    private readonly running: () => RunningTact[],
  ) {}

  private customer(id: string): CustomerModel {
    let m = this.model.get(id);
    if (!m) this.model.set(id, (m = { optOut: false, consent: {}, sends: {} }));
    return m;
  }

  private async call<T>(p: Promise<T>): Promise<T | undefined> {
    this.counts.calls++;
    try {
      return await p;
    } catch (err) {
      const e = err as grpc.ServiceError;
      if (!CLIENT_ERRORS.has(e.code)) throw new Error(`server answered ${grpc.status[e.code]} (${e.details})`);
      this.counts.rejected++;
      return undefined;
    }
  }

  async run(commands: readonly Command[]): Promise<void> {
    for (const c of commands) await this.step(c);
    this.checkLearners();
  }

  private async step(c: Command): Promise<void> {
    switch (c.kind) {
      case 'decide': {
        const d = await this.call(
          this.client.decide({ customer_id: c.customer, trigger: 'attack', context: c.context, candidates: c.candidates, at: ts(c.at), top_k: c.topK, policy: c.policy }),
        );
        if (d) this.recordSends(c.customer, d);
        return;
      }
      case 'reward': {
        const id = this.decisions.length ? this.decisions[c.pick % this.decisions.length]! : 'no.decision';
        await this.call(this.client.reward({ decision_id: id, value: c.value, action_id: c.action, event_id: c.event }));
        return;
      }
      case 'stream': {
        const ids = c.rewards.map((r) => (this.decisions.length ? this.decisions[r.pick % this.decisions.length]! : 'no.decision'));
        await this.call(
          new Promise((resolve, reject) => {
            const s = this.client.raw.RewardStream({ deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res)));
            c.rewards.forEach((r, i) => s.write({ decision_id: ids[i], value: r.value }));
            s.end();
          }),
        );
        return;
      }
      case 'event':
        await this.call(this.client.recordEvent({ customer_id: c.customer, type: c.type as never, at: ts(c.at), item_id: c.item, attributes: c.attributes }));
        return;
      case 'consent': {
        const ok = await this.call(
          this.client.setConsent({ customer_id: c.customer, channels: c.channels, ...(c.optOut === undefined ? {} : { opt_out: c.optOut }), time_zone: c.timeZone }).then(() => true),
        );
        if (ok) {
          const m = this.customer(c.customer);
          Object.assign(m.consent, c.channels);
          if (c.optOut !== undefined) m.optOut = c.optOut;
        }
        return;
      }
      case 'forget': {
        const ok = await this.call(this.client.forgetCustomer(c.customer).then(() => true));
        if (ok) this.model.delete(c.customer);
        return;
      }
    }
  }

  /** Every send must respect consent at the time, and with the earlier sends every cap. */
  private recordSends(customer: string, d: DecideResponse__Output): void {
    this.decisions.push(d.decision_id);
    if (this.decisions.length > 200) this.decisions.shift();
    const m = this.customer(customer);
    for (const choice of d.choices) {
      if (choice.no_send) continue;
      const ch = choice.channel;
      const at = choice.send_at ? Number(choice.send_at.seconds) * 1000 + Math.floor(choice.send_at.nanos / 1e6) : Date.now();
      this.counts.sends++;
      if (m.optOut) throw new Error(`sent ${ch} to ${customer}, who opted out`);
      if (m.consent[ch] === false) throw new Error(`sent ${ch} to ${customer}, who refused ${ch}`);
      if (OPT_IN.has(ch) && m.consent[ch] !== true) throw new Error(`sent opt-in ${ch} to ${customer} without consent`);
      const sends = (m.sends[ch] ??= []);
      sends.push(at);
      for (const cap of CAPS[ch] ?? []) {
        for (const t of sends) {
          const n = sends.filter((s) => Math.abs(s - t) < cap.windowMs).length;
          if (n > cap.max) throw new Error(`${customer} got ${n} ${ch} within ${cap.windowMs / HOUR} h (cap ${cap.max})`);
        }
      }
    }
  }

  /** No learner of any server has a non-finite parameter. */
  checkLearners(): void {
    for (const r of this.running()) {
      for (const p of r.tact.policies.all()) {
        if (!allFinite(p.learner.snapshot().state)) throw new Error(`policy ${p.name} has a non-finite parameter`);
      }
    }
  }
}

/**
 * Ordinary traffic after an attack: two segments, each with one best action
 * (reward 1, else 0). Returns the share of greedy-correct choices over the
 * last `measure` of `rounds` decisions.
 */
export async function ordinaryTrafficAccuracy(client: TestClient, rounds: number, measure: number, tag: string): Promise<number> {
  let correct = 0;
  for (let i = 0; i < rounds; i++) {
    const seg = i % 2 ? 'north' : 'south';
    const best = seg === 'north' ? 'n' : 's';
    const d = await client.decide({
      customer_id: `${tag}-${i}`,
      trigger: 'ordinary',
      context: { categorical: { region: seg }, numeric: { basket: 20 + (i % 30) } },
      candidates: [
        { id: 'n', channel: 'web' },
        { id: 's', channel: 'web' },
        { id: 'o', channel: 'web' },
      ],
    });
    const chosen = d.choices[0]!.action_id;
    if (i >= rounds - measure && chosen === best) correct++;
    await client.reward({ decision_id: d.decision_id, value: chosen === best ? 1 : 0 });
  }
  return correct / measure;
}
