import type { Catalog } from '../catalog/catalog.js';
import { catalogCandidates } from '../catalog/candidates.js';
import type { Clock } from '../core/clock.js';
import { notFound, TactError } from '../core/errors.js';
import { murmur3 } from '../core/hash.js';
import { SeededRandom } from '../core/random.js';
import { computePmf } from '../explore/pmf.js';
import { EMPTY_FEATURES, mergeFeatures, type Features } from '../domain/features.js';
import type { Policy, PolicySet } from '../policies/policy-set.js';
import type { CustomerView, Eligibility } from '../rules/eligibility.js';
import type { CombineRule, DecisionRecord, TactStore } from '../store/store.js';
import { newDecisionId, type IdSource } from './decision-id.js';
import type { DecisionLogSink } from './log-entry.js';
import { isInHoldout } from './holdout.js';
import { holdoutLine } from './holdout-line.js';
import { scoreShadows } from './shadow.js';
import type { DecisionObserver } from './observer.js';
import { pickTopK, type Pick } from './select.js';
import { NO_SEND_ID, type Candidate, type Choice, type DecideInput, type Decision, type Removal } from '../domain/decision.js';

export interface EngineDeps {
  /** Current catalog; a getter so a reload swaps it atomically. */
  readonly catalog: () => Catalog;
  readonly policies: PolicySet;
  readonly store: TactStore;
  readonly eligibility: Eligibility;
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
 * The decision pipeline of DESIGN.md, free of transport and storage details:
 * candidates -> eligibility -> features -> score -> explore -> arbitrate -> log.
 */
export class DecisionEngine {
  constructor(private readonly deps: EngineDeps) {}

  async decide(input: DecideInput): Promise<Decision> {
    const started = this.deps.observer ? performance.now() : 0;
    const policy = this.deps.policies.get(input.policy);
    if (input.requestId) {
      const earlier = await this.deps.store.findByRequestId(input.requestId);
      if (earlier) return earlier;
    }
    const customer = await this.deps.eligibility.customer(input.customerId, input.at);
    const candidates = input.candidates ?? this.candidatesFromCatalog(input.trigger, input.at, customer);
    checkCandidateCount(candidates.length, policy);
    const { eligible, removed } = this.deps.eligibility.filter({
      customer,
      trigger: input.trigger,
      at: input.at,
      policy,
      candidates,
    });
    // The attribution window runs on server time from receipt; `at` is the
    // business time the rules see (simulations and backfills may set it).
    const expiresAt = this.deps.clock.now() + policy.windowMs;
    const decisionId = newDecisionId(expiresAt, this.deps.newId);
    const holdout = isInHoldout(input.customerId, policy);
    const context = decisionContext(input, customer.features);
    // Rules left only no-send (or nothing): the answer is forced, so there is
    // no choice to learn from, and the caller gets the reasons.
    const forced = !eligible.some((c) => !c.noSend);
    const scored = holdout || forced
      ? undefined
      : await this.choose(policy, context, eligible, customer, input, decisionId);
    const decision: Decision = {
      decisionId,
      customerId: input.customerId,
      policy: policy.name,
      modelVersion: policy.modelVersion,
      at: input.at,
      choices: scored ? scored.choices : [noSendChoice(input.candidates === undefined)],
      removed: input.explain ? removed : forced && !holdout ? onePerRule(removed) : [],
      holdout,
    };
    await this.record(decision, expiresAt, context, scored?.chosen ?? [], input.requestId, policy.config.reward.combine);
    if (scored) {
      const made: MadeDecision = { decision, trigger: input.trigger, context, eligible, scored, policy };
      this.logDecision(made);
      this.scoreShadows(made, expiresAt);
    } else if (holdout && this.deps.log.enabled) this.deps.log.append(holdoutLine(decision, input.trigger, context));
    this.deps.observer?.onDecision(decision, {
      candidates: candidates.length,
      removed,
      seconds: (performance.now() - started) / 1000,
    });
    return decision;
  }

  private candidatesFromCatalog(trigger: string, at: number, customer: CustomerView): Candidate[] {
    const catalog = this.deps.catalog();
    if (!catalog.triggers.has(trigger)) throw notFound('trigger', `unknown trigger "${trigger}"`);
    return catalogCandidates(catalog, trigger, at, customer.timeZone);
  }

  /** Steps 3-6: score, explore, sample, reserve caps. */
  private async choose(
    policy: Policy,
    context: Features,
    eligible: Candidate[],
    customer: CustomerView,
    input: DecideInput,
    decisionId: string,
  ): Promise<Scored | undefined> {
    const n = eligible.length;
    const mean = new Float64Array(n);
    const width = new Float64Array(n);
    const pmf = new Float64Array(n);
    const prepared = policy.learner.prepare(context);
    policy.learner.score(prepared, eligible, { mean, width });
    const rng = new SeededRandom(murmur3(decisionId, this.deps.seed));
    computePmf(policy.config.exploration, { mean, width }, n, rng, pmf);
    checkDeadline(input.deadline, this.deps.clock);
    const exclude = new Set<number>();
    let picks = pickTopK(eligible, pmf, mean, Math.max(1, input.topK), rng, exclude);
    // A cap can be taken by a concurrent decision between filter and reserve:
    // treat the candidate as ineligible and sample again without it.
    for (let attempt = 0; attempt < n; attempt++) {
      const failed = await this.deps.eligibility.reserve(customer, picks.map((p) => eligible[p.index] as Candidate), input.at);
      if (failed < 0) break;
      exclude.add((picks[failed] as Pick).index);
      picks = pickTopK(eligible, pmf, mean, Math.max(1, input.topK), rng, exclude);
    }
    // Concurrent decisions took every cap (client candidates have no no-send): answer no-send.
    if (picks.length === 0) return undefined;
    const chosen = picks.map((p) => eligible[p.index] as Candidate);
    const choices = picks.map((p, rank) => {
      const c = chosen[rank] as Candidate;
      const base = toChoice(c, p, mean[p.index] as number);
      return input.explain
        ? { ...base, topFeatures: policy.learner.explain(prepared, c, EXPLAIN_TOP) }
        : base;
    });
    return { choices, chosen, pmf, mean };
  }

  private async record(
    decision: Decision,
    expiresAt: number,
    context: Features,
    chosen: readonly Candidate[],
    requestId: string | undefined,
    combine: CombineRule,
  ): Promise<void> {
    const record: DecisionRecord = {
      decisionId: decision.decisionId,
      customerId: decision.customerId,
      policy: decision.policy,
      at: decision.at,
      expiresAt,
      context,
      choices: decision.choices.map((c, i) => ({
        actionId: c.actionId,
        channel: c.channel,
        messageId: c.messageId,
        cost: chosen[i]?.cost ?? 0,
        probability: c.probability,
        features: chosen[i]?.features ?? EMPTY_FEATURES,
      })),
      holdout: decision.holdout,
      learn: chosen.length > 0,
      combine,
    };
    await this.deps.store.saveDecision(record, decision, requestId || undefined);
  }

  private scoreShadows({ decision, trigger, context, eligible, scored, policy }: MadeDecision, expiresAt: number): void {
    const shadows = this.deps.policies.shadowsOf(policy);
    const first = scored.chosen[0];
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

  private logDecision({ decision, trigger, context, eligible, scored, policy }: MadeDecision): void {
    if (!this.deps.log.enabled) return;
    this.deps.log.append({
      type: 'decision',
      decisionId: decision.decisionId,
      customerId: decision.customerId,
      policy: policy.name,
      modelVersion: decision.modelVersion,
      mode: 'online',
      at: decision.at,
      trigger,
      context,
      candidates: eligible.map((c, i) => ({
        id: c.id,
        channel: c.channel,
        features: c.features,
        probability: scored.pmf[i] as number,
        score: scored.mean[i] as number,
      })),
      chosen: decision.choices.map((c) => c.actionId),
      probabilities: decision.choices.map((c) => c.probability),
      holdout: decision.holdout,
    });
  }
}

interface Scored {
  readonly choices: Choice[];
  readonly chosen: Candidate[];
  readonly pmf: Float64Array;
  readonly mean: Float64Array;
}

/** A decision the policy made (neither forced nor holdout), with what it was made from: what the log and the shadows see. */
interface MadeDecision {
  readonly decision: Decision;
  readonly trigger: string;
  readonly context: Features;
  readonly eligible: readonly Candidate[];
  readonly scored: Scored;
  readonly policy: Policy;
}

/** Trigger and profile are context too: the same customer may want different things at different triggers. */
function decisionContext(input: DecideInput, profile: Features): Features {
  return mergeFeatures(profile, input.context, { numeric: {}, categorical: { trigger: input.trigger } });
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

function checkDeadline(deadline: number | undefined, clock: Clock): void {
  if (deadline !== undefined && clock.now() > deadline) {
    throw new TactError('deadline_exceeded', 'deadline passed before the decision was made');
  }
}
