import { notFound, TactError } from '../core/errors.js';
import { createLearner } from '../learners/registry.js';
import type { Learner } from '../learners/learner.js';
import type { LearningUpdate } from '../store/store.js';
import type { PoliciesFile, PolicyConfig } from './policy-config.js';

/** A policy at run time: its settings and its live learner. */
export class Policy {
  constructor(
    readonly config: PolicyConfig,
    readonly learner: Learner,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Model version as logged with decisions: the number of updates applied. */
  get modelVersion(): string {
    return `${this.config.name}@${this.learner.updates}`;
  }

  get windowMs(): number {
    return this.config.reward.windowSeconds * 1000;
  }

  /** Replay one learning update (or its removal) on this policy's learner. */
  apply(update: LearningUpdate): void {
    const example = {
      context: update.context,
      action: { id: update.actionId, features: update.actionFeatures },
      reward: update.reward,
      ...(update.previousReward === undefined ? {} : { previousReward: update.previousReward }),
    };
    if (update.unlearn) this.learner.unlearn(example);
    else this.learner.learn(example);
  }
}

/** The named policies of a server; requests pick one or get the default. */
export class PolicySet {
  private readonly byName: Map<string, Policy>;
  readonly defaultName: string;

  constructor(policies: readonly Policy[], defaultName?: string) {
    const first = policies[0];
    if (!first) throw new TactError('invalid_argument', 'at least one policy is required', 'policies');
    this.byName = new Map(policies.map((p) => [p.name, p]));
    if (this.byName.size !== policies.length) {
      throw new TactError('invalid_argument', 'policy names must be unique', 'policies');
    }
    this.defaultName = defaultName ?? first.name;
    if (!this.byName.has(this.defaultName)) {
      throw new TactError('invalid_argument', `default policy "${this.defaultName}" is not defined`, 'default');
    }
  }

  static fromConfig(file: PoliciesFile): PolicySet {
    return new PolicySet(
      file.policies.map((c) => new Policy(c, createLearner(c.learner))),
      file.default,
    );
  }

  /** The named policy, or the default when `name` is empty/undefined. */
  get(name?: string): Policy {
    const key = name ? name : this.defaultName;
    const policy = this.byName.get(key);
    if (!policy) throw notFound('policy', `unknown policy "${key}"`);
    return policy;
  }

  /** The policy an update belongs to, or undefined if this server does not run it. */
  find(name: string): Policy | undefined {
    return this.byName.get(name);
  }

  all(): Policy[] {
    return [...this.byName.values()];
  }
}
