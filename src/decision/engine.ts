import type { Catalog } from '../catalog/catalog.js';
import { catalogCandidates } from '../catalog/candidates.js';
import type { Clock } from '../core/clock.js';
import { TactError, tactError } from '../core/errors.js';
import { murmur3 } from '../core/hash.js';
import { idempotencyKey } from '../core/idempotency-key.js';
import { SeededRandom } from '../core/random.js';
import { customerTimeZone } from '../domain/customer-state.js';
import { NO_SEND_ID, type Candidate, type Choice, type DecideInput, type Decision, type Removal, type SendBudget } from '../domain/decision.js';
import type { Features } from '../domain/features.js';
import { computePmf } from '../explore/pmf.js';
import { decisionContext } from '../features/decision-context.js';
import type { Policy, PolicySet } from '../policies/policy-set.js';
import { applyContactRules, type ContactRules } from '../rules/contact-rules.js';
import type { CustomerState, SendReservation, TactStore } from '../store/store.js';
import { arbitrate, reserveInStore, reserveNothing, reserveWith, type ReserveSends } from './arbitrate.js';
import { newDecisionId, type IdSource } from './decision-id.js';
import { isInHoldout } from './holdout.js';
import type { DecisionLogSink } from './log-entry.js';
import type { DecisionObserver } from './observer.js';
import { decisionLine, decisionRecord, holdoutLine, type MadeDecision } from './record.js';
import { checkDecideInput } from './request-checks.js';
import type { Pick } from './select.js';
import { scoreShadows } from './shadow.js';

export interface EngineDeps {
  /** Current catalog; a getter so a reload swaps it atomically. */
  readonly catalog: () => Catalog;
  readonly policies: PolicySet;
  readonly store: TactStore;
  readonly contactRules: ContactRules;
  readonly log: DecisionLogSink;
  readonly clock: Clock;
  readonly newId: IdSource;
  /** Mixed into every decision's sampling seed; differs per deployment. */
  readonly seed: number;
  /** Metrics hook; absent means no timing is taken at all. */
  readonly observer?: DecisionObserver;
}

/** Features that explain=true reports per choice. */
const EXPLAIN_TOP = 5;

/**
 * The decision pipeline of DESIGN.md, free of transport and storage details.
 * `decide` is the one entry: the Decide RPC calls it, and so must every other
 * way of asking for a decision (a trigger firing, a campaign deciding for a
 * segment member), so that all of them get the same rules, exploration,
 * cap reservation, logging and learning. docs/architecture.md lists the
 * stages and the module that owns each.
 */
export class DecisionEngine {
  constructor(private readonly deps: EngineDeps) {}

  /**
   * In a fleet this is two sequential round trips to Redis: the customer read
   * (with the request-id lookup beside it), then the cap reservation and the
   * decision save together. The save is optimistic: when a concurrent
   * decision took a cap first, the candidate is dropped, the choice sampled
   * again and the decision saved again under the same id (the client has not
   * seen it yet), so the stored decision is always the one answered.
   */
  async decide(input: DecideInput): Promise<Decision> {
    const started = this.deps.observer ? performance.now() : 0;
    const policy = this.deps.policies.get(input.policy);
    checkDecideInput(input, policy);
    // The catalog of this decision: a reload swaps the getter's answer, never this one mid-call.
    const catalog = this.deps.catalog();

    // A request id is matched only for the same customer and caller: reusing
    // someone else's id must never return their decision.
    const requestKey = input.requestId ? idempotencyKey([input.customerId, input.caller ?? '', input.requestId]) : undefined;
    // 1. Customer state, loaded once (store); an earlier answer to this request id is looked up beside it.
    const { earlier, state } = await this.loadForDecide(input.customerId, input.at, requestKey);
    if (earlier && earlier.customerId === input.customerId && this.heldReservations(earlier, state)) return earlier;
    // 2-4. Candidates, the contact rules over them, the context's features.
    const { candidates, eligible, removed, context } = this.eligibleFor(input, policy, catalog, state);

    // The attribution window runs on server time from receipt; `at` is the
    // business time the rules see (simulations and backfills may set it).
    const expiresAt = this.deps.clock.now() + policy.windowMs;
    const decisionId = newDecisionId(expiresAt, this.deps.newId);
    const holdout = isInHoldout(input.customerId, policy);
    // Rules left only no-send (or nothing): the answer is forced, so there is
    // no choice to learn from, and the caller gets the reasons.
    const forced = !eligible.some((c) => !c.noSend);
    const decisionOf = (made: Chosen | undefined): Decision => ({
      decisionId,
      customerId: input.customerId,
      policy: policy.name,
      modelVersion: policy.modelVersion,
      at: input.at,
      choices: made ? made.choices : [noSendChoice(input.candidates === undefined)],
      removed: input.explain ? removed : forced && !holdout ? onePerRule(removed) : [],
      holdout,
    });
    // 7. Record for the reward join (decision, store): saved with each reservation attempt, or once here.
    const recordOf = (decision: Decision, chosen: readonly Candidate[]) => decisionRecord(decision, expiresAt, context, chosen, policy.config.reward.combine);
    const save = (decision: Decision, chosen: readonly Candidate[]) => this.deps.store.saveDecision(recordOf(decision, chosen), decision, requestKey);
    // A store that can reserve and save in one call does (one Lua script on one Redis instead of two).
    const combined = this.deps.store.reserveAndSave?.bind(this.deps.store);
    const reserveAndSave: ReserveAndSave | undefined =
      combined && ((reservations, decision, chosen) => combined(input.customerId, reservations, recordOf(decision, chosen), decision, requestKey));
    // 5-6. Score, explore, arbitrate (learners, explore, decision).
    const made = holdout || forced ? undefined : await this.choose(policy, context, eligible, catalog, input, decisionId, decisionOf, save, reserveAndSave);

    const decision = made?.saved ?? decisionOf(made);
    if (!made?.saved) await save(decision, made?.chosen ?? []);
    if (made) {
      const line: MadeDecision = { decision, trigger: input.trigger, context, eligible, chosen: made.chosen, pmf: made.pmf, mean: made.mean };
      if (this.deps.log.enabled) this.deps.log.append(decisionLine(line));
      this.scoreShadows(line, policy, expiresAt);
    } else if (holdout && this.deps.log.enabled) this.deps.log.append(holdoutLine(decision, input.trigger, context));
    this.deps.observer?.onDecision(decision, {
      candidates: candidates.length,
      removed,
      seconds: (performance.now() - started) / 1000,
      trigger: input.trigger,
      expiresAt,
      ...(made ? { offered: { candidates: eligible, pmf: made.pmf } } : {}),
    });
    return decision;
  }

  /**
   * Steps 5-6: the policy's learner scores, its exploration gives a PMF,
   * arbitration samples and reserves caps; each attempt's decision is saved
   * together with its reservation. `saved` is the decision stored for the
   * final picks (absent if the last attempt was not the one returned).
   */
  private async choose(
    policy: Policy,
    context: Features,
    eligible: Candidate[],
    catalog: Catalog,
    input: DecideInput,
    decisionId: string,
    decisionOf: (made: Chosen) => Decision,
    save: (decision: Decision, chosen: readonly Candidate[]) => Promise<void>,
    reserveAndSave: ReserveAndSave | undefined,
  ): Promise<(Chosen & { readonly saved?: Decision }) | undefined> {
    const n = eligible.length;
    const mean = new Float64Array(n);
    const width = new Float64Array(n);
    const pmf = new Float64Array(n);
    let prepared = policy.learner.prepare(context);
    policy.learner.score(prepared, eligible, { mean, width });
    if (!allFiniteScores(mean, width)) {
      // The guard keeps updates finite; if a learner is non-finite anyway, roll it back and score again.
      if (!policy.guard.recover()) throw tactError('LEARNER_NON_FINITE', `policy ${policy.name}: learner non-finite and no sound state to return to`);
      prepared = policy.learner.prepare(context);
      policy.learner.score(prepared, eligible, { mean, width });
      if (!allFiniteScores(mean, width)) throw tactError('LEARNER_NON_FINITE', `policy ${policy.name}: scores non-finite after a rollback`);
    }
    const rng = new SeededRandom(murmur3(decisionId, this.deps.seed));
    computePmf(policy.config.exploration, { mean, width }, n, rng, pmf, policy.learner.updates);
    checkDeadline(input.deadline, this.deps.clock);
    const chosenOf = (picks: readonly Pick[]): Chosen => {
      const chosen = picks.map((p) => eligible[p.index] as Candidate);
      const choices = picks.map((p, rank) => {
        const c = chosen[rank] as Candidate;
        const base = toChoice(c, p, mean[p.index] as number);
        return input.explain ? { ...base, topFeatures: policy.learner.explain(prepared, c, EXPLAIN_TOP) } : base;
      });
      return { choices, chosen, pmf, mean };
    };
    const caps = this.deps.contactRules.reserveCaps ? reserveInStore(this.deps.store, catalog, input.customerId) : reserveNothing;
    const reserve = input.budget ? withinBudget(input.budget, caps) : caps;
    // Caps reserved with the save in one store call (not with a budget, which reserves before the caps and releases after).
    const together = this.deps.contactRules.reserveCaps && !input.budget ? reserveAndSave : undefined;
    let last: { picks: readonly Pick[]; decision: Decision } | undefined;
    const picks = await arbitrate({
      eligible,
      pmf,
      mean,
      topK: input.topK,
      rng,
      reserve: async (chosen, attempt) => {
        if (!attempt) throw new TactError('internal', 'arbitrate passed no picks');
        const decision = decisionOf(chosenOf(attempt));
        const [failed] = together
          ? [await reserveWith(catalog, chosen, (reservations) => together(reservations, decision, chosen))]
          : await Promise.all([reserve(chosen, attempt), save(decision, chosen)]);
        last = { picks: attempt, decision };
        return failed;
      },
    });
    // Concurrent decisions took every cap (client candidates have no no-send): answer no-send.
    if (picks.length === 0) return undefined;
    const made = chosenOf(picks);
    return last?.picks === picks ? { ...made, saved: last.decision } : made;
  }

  /**
   * Steps 2-4 of a decision, shared by Decide and a campaign's ranking:
   * 2. candidates (catalog, or the client's own); 3. eligibility, pure rules
   * over the loaded state (rules); 4. features: profile + request context +
   * trigger (features); action features ride on each candidate.
   */
  private eligibleFor(
    input: { readonly candidates?: readonly Candidate[] | undefined; readonly trigger: string; readonly at: number; readonly context: Features },
    policy: Policy,
    catalog: Catalog,
    state: CustomerState,
  ): { candidates: readonly Candidate[]; eligible: Candidate[]; removed: Removal[]; context: Features } {
    const candidates = input.candidates ?? catalogCandidates(catalog, input.trigger, input.at, customerTimeZone(state));
    checkCandidateCount(candidates.length, policy);
    const { eligible, removed } = applyContactRules(this.deps.contactRules.rules, { state, at: input.at, catalog, candidates });
    return { candidates, eligible, removed, context: decisionContext(state, input.at, input.context, input.trigger) };
  }

  /**
   * Whether every send of an earlier answer holds its reservation in the
   * customer's send history. Each arbitration attempt is saved together with
   * its reservation; an attempt whose reservation was refused (a cap, a
   * campaign's budget) is normally saved over by the next attempt, but a
   * process that died in between leaves it as the stored answer. Answering
   * it again would deliver a send nothing reserved, so the retry decides
   * anew (at worst reserving twice, which only fails closed).
   */
  private heldReservations(earlier: Decision, state: CustomerState): boolean {
    if (!this.deps.contactRules.reserveCaps) return true;
    return earlier.choices.every(
      (c) => c.noSend || !c.channel || state.sends.some((s) => s.channel === c.channel && s.messageId === c.messageId && s.at === c.sendAt),
    );
  }

  /** Step 1: in one store call where the store offers it (one script on one Redis). */
  private async loadForDecide(customerId: string, at: number, requestKey: string | undefined): Promise<{ earlier: Decision | undefined; state: CustomerState }> {
    const store = this.deps.store;
    if (requestKey === undefined) return { earlier: undefined, state: await store.loadCustomer(customerId, at) };
    if (store.loadForDecide) return store.loadForDecide(customerId, at, requestKey);
    const [earlier, state] = await Promise.all([store.findByRequestId(customerId, requestKey), store.loadCustomer(customerId, at)]);
    return { earlier, state };
  }

  /**
   * A campaign's ranking, before it decides: the expected reward of the
   * best eligible send over no-send for this customer now (steps 1-5 without
   * exploring, reserving or logging). -Infinity when rules leave no send. The
   * decision itself is made later by `decide`, which explores and logs.
   */
  async estimateUplift(input: Omit<DecideInput, 'topK' | 'explain'>): Promise<number> {
    const policy = this.deps.policies.get(input.policy);
    checkDecideInput({ ...input, topK: 1, explain: false }, policy);
    const catalog = this.deps.catalog();
    const state = await this.deps.store.loadCustomer(input.customerId, input.at);
    const { eligible, context } = this.eligibleFor({ trigger: input.trigger, at: input.at, context: input.context }, policy, catalog, state);
    if (!eligible.some((c) => !c.noSend)) return -Infinity;
    const mean = new Float64Array(eligible.length);
    const width = new Float64Array(eligible.length);
    policy.learner.score(policy.learner.prepare(context), eligible, { mean, width });
    let best = -Infinity;
    let baseline = 0;
    eligible.forEach((c, i) => {
      const m = mean[i] as number;
      if (c.noSend) baseline = m;
      else if (m > best) best = m;
    });
    const uplift = best - baseline;
    return Number.isFinite(uplift) ? uplift : -Infinity;
  }

  private scoreShadows({ decision, trigger, context, eligible, chosen }: MadeDecision, policy: Policy, expiresAt: number): void {
    const shadows = this.deps.policies.shadowsOf(policy);
    const first = chosen[0];
    const choice = decision.choices[0];
    if (shadows.length === 0 || !first || !choice) return;
    scoreShadows(
      shadows,
      {
        decisionId: decision.decisionId,
        customerId: decision.customerId,
        at: decision.at,
        trigger,
        context,
        eligible,
        chosenIndex: eligible.indexOf(first),
        propensity: choice.probability,
        expiresAt,
        now: this.deps.clock.now(),
      },
      this.deps.log,
      this.deps.seed,
    );
  }
}

interface Chosen {
  readonly choices: Choice[];
  readonly chosen: Candidate[];
  readonly pmf: Float64Array;
  readonly mean: Float64Array;
}

function toChoice(c: Candidate, p: Pick, score: number): Choice {
  return {
    actionId: c.id,
    messageId: c.messageId,
    channel: c.channel,
    probability: p.probability,
    score,
    sendAt: c.sendAt,
    sendSlot: c.sendSlot,
    noSend: c.noSend,
    explored: p.explored,
  };
}

/**
 * The reasons for a forced no-send without explain: the first removal of
 * each rule. Enough to say why nothing was sent, and bounded by the number
 * of rules instead of growing with the catalog (84 KB at K=1000 otherwise).
 */
function onePerRule(removed: readonly Removal[]): Removal[] {
  const seen = new Set<string>();
  const out: Removal[] = [];
  for (const r of removed) {
    if (seen.has(r.rule)) continue;
    seen.add(r.rule);
    out.push(r);
  }
  return out;
}

/** The answer when nothing may be sent (all removed, or holdout). */
function noSendChoice(fromCatalog: boolean): Choice {
  return {
    actionId: fromCatalog ? NO_SEND_ID : '',
    messageId: '',
    channel: '',
    probability: 1,
    score: 0,
    sendAt: 0,
    sendSlot: '',
    noSend: true,
    explored: false,
  };
}

function checkCandidateCount(n: number, policy: Policy): void {
  if (n > policy.config.maxCandidates) {
    throw new TactError(
      'invalid_argument',
      `${n} candidates exceed the policy's limit of ${policy.config.maxCandidates}`,
      'candidates',
    );
  }
}

/** Reserve these sends and save this decision in one store call; the index of the first send refused, or -1. */
type ReserveAndSave = (reservations: readonly SendReservation[], decision: Decision, chosen: readonly Candidate[]) => Promise<number>;

/**
 * The budget first, then the customer's caps; a send the caps refuse gives
 * its budget back, so a refused send never spends the campaign's budget.
 */
function withinBudget(budget: SendBudget, caps: ReserveSends): ReserveSends {
  return async (chosen, picks) => {
    const over = await budget.reserve(chosen);
    if (over >= 0) return over;
    const failed = await caps(chosen, picks);
    if (failed >= 0) await budget.release(chosen);
    return failed;
  };
}

function allFiniteScores(mean: Float64Array, width: Float64Array): boolean {
  for (let i = 0; i < mean.length; i++) if (!Number.isFinite(mean[i]!) || !Number.isFinite(width[i]!)) return false;
  return true;
}

function checkDeadline(deadline: number | undefined, clock: Clock): void {
  if (deadline !== undefined && clock.now() > deadline) {
    throw new TactError('deadline_exceeded', 'deadline passed before the decision was made');
  }
}
