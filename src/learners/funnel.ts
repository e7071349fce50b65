import { z } from 'zod';
import type { Features } from '../domain/features.js';
import { BAYES_HYBRID_KIND, BayesHybridLearner, bayesHybridConfigSchema, type HybridPrepared } from './bayes-hybrid.js';
import type { ActionRef, Contribution, Learner, LearnerSnapshot, LearningExample, ScoreBuffers } from './learner.js';
import { parseLearnerConfig } from './learner-config.js';

export const FUNNEL_KIND = 'funnel';

/**
 * Measured in the simulator (bench/simulator.ts --funnel): the parts need a
 * few dozen engaged sends before their product beats the plain model.
 */
const MIN_ENGAGED = 50;

/** funnel's settings: the one schema its config type, registry entry and snapshots use. */
export const funnelConfigSchema = z.object({
  /** Settings of each of the four models (all bayes-hybrid). */
  model: bayesHybridConfigSchema.prefault({}),
  /**
   * Engaged sends learned before the funnel's estimate replaces the plain
   * model's: below it (a client sending no receipts, or too few yet) the
   * learner scores exactly as bayes-hybrid does.
   */
  minEngaged: z.number().int().nonnegative().default(MIN_ENGAGED),
});

export type FunnelConfig = z.output<typeof funnelConfigSchema>;

/** The four models: plain net reward, P(engaged) of sends, net reward if engaged, and if not. */
interface FunnelParts {
  readonly plain: BayesHybridLearner;
  readonly open: BayesHybridLearner;
  readonly engaged: BayesHybridLearner;
  readonly notEngaged: BayesHybridLearner;
}

interface FunnelPrepared {
  readonly plain: HybridPrepared;
  /** Prepared for the funnel's three models; absent while the funnel is not in use. */
  readonly parts?: { readonly open: HybridPrepared; readonly engaged: HybridPrepared; readonly notEngaged: HybridPrepared };
}

/** The catalog's no-send (channel "none"): nothing to open, nothing to engage with. */
function isNoSend(action: ActionRef): boolean {
  return action.features.categorical['channel'] === 'none';
}

/**
 * Funnel learning: a message earns money mostly through being opened, and
 * opens are ten times more frequent than conversions, so the expected
 * outcome of an action is learned in its two steps,
 *
 *   E[net | x, a] = P(engaged | x, a) E[net | engaged, x, a]
 *                 + (1 - P(engaged | x, a)) E[net | not engaged, x, a],
 *
 * which holds for any yes/no event, so the estimate stays unbiased whatever
 * share of opens a client reports; it learns faster where the event explains
 * the money: the channel and send time decide the open, the offer decides
 * what an open earns, and the product of the two is what a linear model of
 * the money alone cannot represent.
 *
 * Four exact models (bayes-hybrid, so forget-me unlearns exactly): the plain
 * model of net reward, learned from rewards as they are joined (as every
 * learner); and, from the funnel evidence published when a window closes
 * (the action's whole outcome and whether an opened or clicked receipt came),
 * P(engaged) of sends, net reward of engaged sends, and net reward of the
 * rest (no-sends included, whose P(engaged) is 0). The plain model scores
 * until `minEngaged` engaged sends are learned; then the funnel does, its
 * width by the delta method over the three models' widths.
 *
 * Only bayes-hybrid parts: a funnel of other kinds would make the registry
 * and this module depend on each other, and nothing measured asks for it.
 */
export class FunnelLearner implements Learner<FunnelPrepared> {
  readonly kind = FUNNEL_KIND;
  readonly learnsFunnel = true;
  readonly config: FunnelConfig;
  /** Engaged sends learned, less those unlearned. */
  private engagedSeen: number;
  private scratch: { open: ScoreBuffers; engaged: ScoreBuffers; notEngaged: ScoreBuffers } = scratchOf(64);

  private readonly plain: BayesHybridLearner;
  private readonly open: BayesHybridLearner;
  private readonly engaged: BayesHybridLearner;
  private readonly notEngaged: BayesHybridLearner;

  /** The four models are built from `config` unless given (a restore gives them). */
  constructor(config: z.input<typeof funnelConfigSchema>, parts?: FunnelParts, engagedSeen = 0) {
    this.config = parseLearnerConfig(FUNNEL_KIND, funnelConfigSchema, config);
    const fresh = (): BayesHybridLearner => new BayesHybridLearner(this.config.model);
    this.plain = parts?.plain ?? fresh();
    this.open = parts?.open ?? fresh();
    this.engaged = parts?.engaged ?? fresh();
    this.notEngaged = parts?.notEngaged ?? fresh();
    this.engagedSeen = engagedSeen;
  }

  get updates(): number {
    return this.plain.updates + this.open.updates + this.engaged.updates + this.notEngaged.updates;
  }

  /** True once the funnel scores (enough engaged sends learned). */
  get inUse(): boolean {
    return this.engagedSeen >= this.config.minEngaged && this.engagedSeen > 0;
  }

  /** The plain model and P(engaged), for diagnostics (bench/funnel-diagnose.ts). */
  parts(): { readonly plain: Learner; readonly open: Learner } {
    return { plain: this.plain, open: this.open };
  }

  prepare(context: Features): FunnelPrepared {
    const plain = this.plain.prepare(context);
    if (!this.inUse) return { plain };
    return {
      plain,
      parts: { open: this.open.prepare(context), engaged: this.engaged.prepare(context), notEngaged: this.notEngaged.prepare(context) },
    };
  }

  score(prepared: FunnelPrepared, actions: readonly ActionRef[], out: ScoreBuffers): void {
    const parts = prepared.parts;
    if (parts === undefined) return this.plain.score(prepared.plain, actions, out);
    const n = actions.length;
    if (this.scratch.open.mean.length < n) this.scratch = scratchOf(Math.max(n, 2 * this.scratch.open.mean.length));
    const { open, engaged, notEngaged } = this.scratch;
    this.open.score(parts.open, actions, open);
    this.engaged.score(parts.engaged, actions, engaged);
    this.notEngaged.score(parts.notEngaged, actions, notEngaged);
    for (let k = 0; k < n; k++) {
      const v0 = notEngaged.mean[k]!;
      const w0 = notEngaged.width[k]!;
      if (isNoSend(actions[k]!)) {
        out.mean[k] = v0;
        out.width[k] = w0;
        continue;
      }
      const p = Math.min(1, Math.max(0, open.mean[k]!));
      const v1 = engaged.mean[k]!;
      const gap = v1 - v0;
      const wp = open.width[k]!;
      const w1 = engaged.width[k]!;
      out.mean[k] = v0 + p * gap;
      out.width[k] = Math.sqrt(gap * gap * wp * wp + p * p * w1 * w1 + (1 - p) * (1 - p) * w0 * w0);
    }
  }

  learn(example: LearningExample): void {
    this.route(example, false);
  }

  unlearn(example: LearningExample): boolean {
    return this.route(example, true);
  }

  explain(prepared: FunnelPrepared, action: ActionRef, top: number): Contribution[] {
    return this.plain.explain(prepared.plain, action, top);
  }

  snapshot(): LearnerSnapshot {
    return {
      kind: this.kind,
      updates: this.updates,
      state: {
        config: this.config,
        engagedSeen: this.engagedSeen,
        plain: this.plain.snapshot(),
        open: this.open.snapshot(),
        engaged: this.engaged.snapshot(),
        notEngaged: this.notEngaged.snapshot(),
      },
    };
  }

  static restore(snapshot: LearnerSnapshot): FunnelLearner {
    const s = funnelStateSchema.parse(snapshot.state);
    const parts: FunnelParts = {
      plain: BayesHybridLearner.restore(s.plain),
      open: BayesHybridLearner.restore(s.open),
      engaged: BayesHybridLearner.restore(s.engaged),
      notEngaged: BayesHybridLearner.restore(s.notEngaged),
    };
    return new FunnelLearner(s.config, parts, s.engagedSeen);
  }

  /** Plain rewards to the plain model; funnel evidence to the open model (sends) and one of the two outcome models. */
  private route(example: LearningExample, unlearn: boolean): boolean {
    const apply = (model: Learner, e: LearningExample): boolean => {
      if (!unlearn) {
        model.learn(e);
        return true;
      }
      return model.unlearn(e);
    };
    const funnel = example.funnel;
    if (funnel === undefined) return apply(this.plain, example);
    let ok = true;
    // Funnel evidence is a window's whole outcome, never a correction (no previousReward).
    if (!isNoSend(example.action)) ok = apply(this.open, { ...example, reward: funnel.engaged ? 1 : 0 });
    ok = apply(funnel.engaged ? this.engaged : this.notEngaged, example) && ok;
    if (funnel.engaged) this.engagedSeen += unlearn ? -1 : 1;
    return ok;
  }
}

function scratchOf(n: number): { open: ScoreBuffers; engaged: ScoreBuffers; notEngaged: ScoreBuffers } {
  const buffers = (): ScoreBuffers => ({ mean: new Float64Array(n), width: new Float64Array(n) });
  return { open: buffers(), engaged: buffers(), notEngaged: buffers() };
}

const partSchema = z.object({ kind: z.literal(BAYES_HYBRID_KIND), updates: z.number().int().nonnegative(), state: z.unknown() });

const funnelStateSchema = z.object({
  config: funnelConfigSchema,
  engagedSeen: z.number().int().nonnegative(),
  plain: partSchema,
  open: partSchema,
  engaged: partSchema,
  notEngaged: partSchema,
});
