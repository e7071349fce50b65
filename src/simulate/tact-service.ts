import { catalogCandidates } from '../catalog/candidates.js';
import { customerTimeZone } from '../domain/customer-state.js';
import { reserveInStore } from '../decision/arbitrate.js';
import { applyContactRules } from '../rules/contact-rules.js';
import { ManualClock } from '../core/clock.js';
import type { ReceiptEvent } from '../decision/log-entry.js';
import { ReceiptJoiner } from '../feedback/receipts.js';
import { SeededRandom } from '../core/random.js';
import { configSchema } from '../config.js';
import { createTact, type Adapters, type Tact } from '../main.js';
import type { PolicySet } from '../policies/policy-set.js';
import type { CustomerEvent } from '../store/store.js';
import type { MarketingWorld } from './world.js';
import { DEFAULT_START_MS, type CustomerView, type SimEvent, type SimulatedService } from './runner.js';
import { tactError } from '../core/errors.js';

export interface TactServiceOptions {
  readonly name?: string;
  /** Policy to decide with; default the set's default. */
  readonly policy?: string;
  readonly policies?: PolicySet;
  readonly seed: number;
  readonly startMs?: number;
  /** Contact rules; default createTact's (all of them). */
  readonly contactRules?: Adapters['contactRules'];
  /** Where decision and outcome lines go; default createTact's (none). */
  readonly log?: Adapters['log'];
}

/** Decision ids from the seed: a simulation's log is the same on every run. */
export function seededIds(seed: number): () => string {
  const ids = new SeededRandom(seed ^ 0x1d5);
  const word = () => Math.floor(ids.next() * 2 ** 32).toString(16).padStart(8, '0');
  return () => word() + word();
}

/** Every channel the simulated customers agreed to; push/in_app only with the app. */
export function consentOf(customer: CustomerView): { channels: Record<string, boolean>; timeZone: string; unreachable: string[] } {
  return {
    channels: { email: true, sms: true, push: true, in_app: true },
    timeZone: customer.timeZone,
    unreachable: customer.hasApp ? [] : ['push', 'in_app'],
  };
}

const EVENT_TYPE: Record<SimEvent['kind'], CustomerEvent['type'] | undefined> = {
  cart_add: 'cart_add',
  purchase: 'purchase',
  delivered: 'message_delivered',
  opened: 'message_opened',
  ignored: 'message_ignored',
  annoyed: undefined,
};

const RECEIPT: Partial<Record<SimEvent['kind'], ReceiptEvent>> = { delivered: 'delivered', opened: 'opened', ignored: 'ignored' };

/**
 * The real engine in process, on a manual clock, as a simulated service:
 * decisions, rewards, attribution windows and default rewards all go
 * through the same code as gRPC calls do, minus the transport.
 */
export function tactService(world: MarketingWorld, options: TactServiceOptions): SimulatedService & { tact: Tact } {
  const clock = new ManualClock(options.startMs ?? DEFAULT_START_MS);
  const tact = createTact(configSchema.parse({ logLevel: 'silent' }), {
    clock,
    catalog: world.catalog,
    seed: options.seed,
    newId: seededIds(options.seed),
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.contactRules ? { contactRules: options.contactRules } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const receipts = new ReceiptJoiner({ store: tact.store, policies: tact.policies, log: tact.log, clock });
  const known = new Set<string>();
  return {
    name: options.name ?? `tact:${options.policy ?? tact.policies.defaultName}`,
    tact,
    async decide(input, customer) {
      if (!known.has(customer.id)) {
        known.add(customer.id);
        await tact.store.setConsent(customer.id, consentOf(customer));
      }
      return tact.engine.decide(options.policy ? { ...input, policy: options.policy } : input);
    },
    async reward(decisionId, actionId, value) {
      await tact.joiner.reward({ decisionId, actionId, value });
    },
    advance(ms) {
      clock.advance(ms);
      // Windows close on simulated time, as the server's sweeper closes them on real time.
      void tact.joiner.sweep();
    },
    async observe(event) {
      const type = EVENT_TYPE[event.kind];
      if (!type) return;
      await tact.store.recordEvent(event.customerId, {
        type,
        at: event.at,
        ...('item' in event ? { itemId: event.item, category: event.category } : { messageId: event.messageId, channel: event.channel }),
      });
      // The webhook's receipt, as a delivery provider sends it: what funnel learning learns opens from.
      const receipt = RECEIPT[event.kind];
      if (receipt && 'decisionId' in event) await receipts.join({ decisionId: event.decisionId, event: receipt, at: event.at });
    },
  };
}

/**
 * The ceiling under the same rules: sees the hidden traits and picks the
 * best expected net value among what the contact rules leave, reserving caps
 * like the engine does. The rule-free oracle overstates what any policy that
 * respects consent, caps and quiet hours can reach.
 */
export function rulesOracleService(world: MarketingWorld, options: { seed: number; startMs?: number }): SimulatedService {
  const inner = tactService(world, { ...options, name: 'oracle (rules)' });
  const { tact } = inner;
  const known = new Set<string>();
  let n = 0;
  return {
    ...inner,
    async decide(input, view) {
      if (!known.has(view.id)) {
        known.add(view.id);
        await tact.store.setConsent(view.id, consentOf(view));
      }
      const customer = world.customer(view.id);
      if (!customer) throw tactError('INVARIANT', `oracle: unknown customer ${view.id}`);
      const state = await tact.store.loadCustomer(input.customerId, input.at);
      const candidates = catalogCandidates(world.catalog, input.trigger, input.at, customerTimeZone(state));
      const { eligible } = applyContactRules(tact.contactRules.rules, { state, at: input.at, catalog: world.catalog, candidates });
      const best = world.best(customer, eligible, input.at) ?? candidates.find((c) => c.noSend)!;
      await reserveInStore(tact.store, world.catalog, input.customerId)([best]);
      return {
        decisionId: `oracle-rules-${n++}`,
        customerId: input.customerId,
        policy: 'oracle (rules)',
        modelVersion: 'oracle',
        at: input.at,
        choices: [
          {
            actionId: best.id,
            messageId: best.messageId,
            channel: best.channel,
            probability: 1,
            score: world.expected(customer, best, input.at).expectedNet,
            sendAt: best.sendAt,
            sendSlot: best.sendSlot,
            noSend: best.noSend,
            explored: false,
          },
        ],
        removed: [],
        holdout: false,
      };
    },
    async reward() {},
  };
}
