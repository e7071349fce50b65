import { notFound, quote, TactError } from '../core/errors.js';
import { createLearner, restoreLearner } from '../learners/registry.js';
import type { Learner } from '../learners/learner.js';
import type { LearningUpdate } from '../store/store.js';
import { LearnerGuard, type GuardEvent } from './learner-guard.js';
import { LiveValueEstimator, type LiveEstimate } from './live-estimate.js';
import { loadModel } from './model-file.js';
import type { PoliciesFile, PolicyConfig, SelfTuningConfig } from './policy-config.js';

/** A policy at run time: its settings and its live learner. */
export class Policy {
  /** Shadow policies only: their value estimated from the champion's decisions. */
  readonly live: LiveValueEstimator | undefined;
  /** Every update passes through it: bounds, non-finite refusal, rollback. */
  readonly guard: LearnerGuard;

  constructor(
    readonly config: PolicyConfig,
    learner: Learner,
  ) {
    this.live = config.shadow ? new LiveValueEstimator() : undefined;
    this.guard = new LearnerGuard(learner, config.bounds, () => createLearner(config.learner, { policy: config.name }));
  }

  /** The live learner (replaced when the guard rolls it back). */
  get learner(): Learner {
    return this.guard.current;
  }

  /** A shadow's live IPS/SNIPS value with 95% intervals; undefined for serving policies (for metrics). */
  liveEstimate(): LiveEstimate | undefined {
    return this.live?.estimate();
  }

  get name(): string {
    return this.config.name;
  }

  /** Model version as logged with decisions: the number of updates applied, and the learner's tag (network version) if any. */
  get modelVersion(): string {
    const tag = this.learner.modelTag;
    return tag === undefined ? `${this.config.name}@${this.learner.updates}` : `${this.config.name}@${this.learner.updates}+${tag}`;
  }

  get windowMs(): number {
    return this.config.reward.windowSeconds * 1000;
  }

  /** Replay one learning update (or its removal) on this policy's learner, through the guard; false when refused. */
  apply(update: LearningUpdate): boolean {
    // Funnel evidence repeats rewards every learner got as they were joined.
    if (update.funnel && this.learner.learnsFunnel !== true) return true;
    const example = {
      context: update.context,
      action: { id: update.actionId, features: update.actionFeatures },
      reward: update.reward,
      ...(update.previousReward === undefined ? {} : { previousReward: update.previousReward }),
      ...(update.funnel ? { funnel: update.funnel } : {}),
    };
    const key = `${update.decisionId}\u0000${update.actionId}${update.funnel ? '\u0000funnel' : ''}`;
    return this.guard.apply(example, update.unlearn === true, key);
  }
}

/**
 * The named policies of a server; requests pick one or get the default (the
 * champion). The champion can be swapped at run time (`promote`), and the
 * previous ones are kept, newest last, for `rollback`.
 */
export class PolicySet {
  private readonly byName: Map<string, Policy>;
  private champion: string;
  private readonly previous: string[] = [];
  private shadows: readonly Policy[] = [];
  /** Every policy configured as a shadow, whichever is the champion: they learn from every update. */
  private readonly learnsAsShadow: readonly Policy[];

  constructor(
    policies: readonly Policy[],
    defaultName?: string,
    /** When set, the replica promotes shadows on its own (self-tuning.ts). */
    readonly selfTuning?: SelfTuningConfig,
  ) {
    const first = policies.find((p) => !p.config.shadow) ?? policies[0];
    if (!first) throw new TactError('invalid_argument', 'at least one policy is required', 'policies');
    this.byName = new Map(policies.map((p) => [p.name, p]));
    if (this.byName.size !== policies.length) {
      throw new TactError('invalid_argument', 'policy names must be unique', 'policies');
    }
    this.champion = defaultName ?? first.name;
    this.learnsAsShadow = policies.filter((p) => p.config.shadow);
    if (!this.byName.has(this.champion)) {
      throw new TactError('invalid_argument', `default policy "${this.champion}" is not defined`, 'default');
    }
    this.refreshShadows();
  }

  static fromConfig(file: PoliciesFile): PolicySet {
    return new PolicySet(
      file.policies.map((c) => new Policy(c, c.warmStart ? warmLearner(c) : createLearner(c.learner, { policy: c.name }))),
      file.default,
      file.selfTuning,
    );
  }

  /** The policy answering requests that name none. */
  get defaultName(): string {
    return this.champion;
  }

  /** Earlier champions, oldest first: what `rollback` returns to. */
  get history(): readonly string[] {
    return this.previous;
  }

  /** Make `name` the champion; the current one is kept for rollback. No restart, no state lost. */
  promote(name: string): { previous: string; current: string } {
    if (!this.byName.has(name)) throw notFound('name', `unknown policy ${quote(name)}`);
    const previous = this.champion;
    if (name !== previous) {
      this.previous.push(previous);
      this.champion = name;
      this.refreshShadows();
    }
    return { previous, current: name };
  }

  /** Return to the champion before the last promotion. */
  rollback(): { previous: string; current: string } {
    const back = this.previous.pop();
    if (back === undefined) throw new TactError('failed_precondition', 'no earlier champion to roll back to');
    const previous = this.champion;
    this.champion = back;
    this.refreshShadows();
    return { previous, current: back };
  }

  /** Shadow policies scoring alongside `policy`: all shadows when it is the champion, else none. */
  shadowsOf(policy: Policy): readonly Policy[] {
    return policy.name === this.champion ? this.shadows : NO_POLICIES;
  }

  /**
   * Apply a learning update to its policy, and to every shadow policy
   * (apprentice learning from the served policies' rewards), which also
   * counts it in its live estimate when it scored that decision. Who learns
   * what must not depend on which policy this replica serves: the champion
   * is a replica's own setting (promote, rollback, self-tuning), while every
   * replica applies the same stream and must end with the same learners.
   */
  apply(update: LearningUpdate): void {
    const policy = this.byName.get(update.policy);
    if (!policy) return;
    policy.apply(update);
    for (const shadow of this.learnsAsShadow) {
      if (shadow === policy) continue;
      shadow.apply(update);
      if (!update.funnel) shadow.live?.observe(update);
    }
  }

  /** Shortest attribution window of any policy: a decision id's window end bounds when it was issued. */
  get shortestWindowMs(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const p of this.byName.values()) min = Math.min(min, p.windowMs);
    return min;
  }

  /** Some policy learns from funnel evidence: windows then close with it (the same on every replica: configs, not the champion). */
  get learnsFunnel(): boolean {
    for (const p of this.byName.values()) if (p.learner.learnsFunnel === true) return true;
    return false;
  }

  /** Largest |reward| any policy learns from: a Reward beyond it is rejected before it is joined. */
  get maxAbsReward(): number {
    let max = 0;
    for (const p of this.byName.values()) max = Math.max(max, p.config.bounds.maxAbsReward);
    return max;
  }

  /** Largest |numeric feature| any policy accepts (profile attributes belong to no one policy). */
  get maxAbsFeature(): number {
    let max = 0;
    for (const p of this.byName.values()) max = Math.max(max, p.config.bounds.maxAbsFeature);
    return max;
  }

  /** Every policy's guard events, with the policy name (metrics and logs). */
  onGuardEvent(listener: (policy: string, e: GuardEvent) => void): void {
    for (const p of this.byName.values()) p.guard.onEvent = (e) => listener(p.name, e);
  }

  /** The named policy, or the default when `name` is empty/undefined. */
  get(name?: string): Policy {
    const key = name ? name : this.defaultName;
    const policy = this.byName.get(key);
    if (!policy) throw notFound('policy', `unknown policy ${quote(key)}`);
    return policy;
  }

  /** The policy an update belongs to, or undefined if this server does not run it. */
  find(name: string): Policy | undefined {
    return this.byName.get(name);
  }

  all(): Policy[] {
    return [...this.byName.values()];
  }

  private refreshShadows(): void {
    this.shadows = this.all().filter((p) => p.config.shadow && p.name !== this.champion);
  }
}

const NO_POLICIES: readonly Policy[] = Object.freeze([]);

/** A policy's learner restored from its `warmStart` model file. */
function warmLearner(config: PolicyConfig): Learner {
  const file = config.warmStart as string;
  const model = loadModel(file);
  if (model.learner.kind !== config.learner.kind) {
    throw new TactError(
      'invalid_argument',
      `policy "${config.name}": warmStart ${file} holds a ${model.learner.kind} learner, the policy wants ${config.learner.kind}`,
      'warmStart',
    );
  }
  return restoreLearner(model.learner);
}
