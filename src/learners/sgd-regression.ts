import { z } from 'zod';
import { tactError } from '../core/errors.js';
import type { Features } from '../domain/features.js';
import { DEFAULT_BITS, InteractionHasher, SparseVector, type HashedContext } from '../features/interactions.js';
import {
  importanceWeight,
  type ActionRef,
  type Contribution,
  type Learner,
  type LearnerSnapshot,
  type LearningExample,
  type ScoreBuffers,
} from './learner.js';
import { MIN_SCALE } from '../features/scaler.js';
import { parseLearnerConfig } from './learner-config.js';

export const SGD_KIND = 'sgd';

/** sgd's settings: the one schema its config type, its registry entry and its snapshots use. */
export const sgdConfigSchema = z.object({
  /** Hashed feature space of 2^bits weights. */
  bits: z.number().int().min(1).max(26).default(DEFAULT_BITS),
  learningRate: z.number().positive().default(2),
  /** L2 shrinkage applied to the weights an example touches (0 = none). */
  l2: z.number().nonnegative().lt(1).default(0),
});

export type SgdConfig = z.output<typeof sgdConfigSchema>;
/** What a caller may give: any setting left out takes its default. */
export type SgdConfigInput = z.input<typeof sgdConfigSchema>;

const stateSchema = z.object({
  config: sgdConfigSchema,
  examples: z.number().nonnegative(),
  normSum: z.number().nonnegative(),
  index: z.array(z.number().int().nonnegative()),
  weight: z.array(z.number()),
  gradSq: z.array(z.number().nonnegative()),
  maxAbs: z.array(z.number().nonnegative()),
});

type SgdState = z.infer<typeof stateSchema>;

/**
 * Online linear regression on hashed context x action interactions with
 * adaptive, normalized, safe updates (the shape of VW's default update):
 * - adaptive: each weight's rate falls with its own accumulated squared gradient (AdaGrad);
 * - normalized: each weight remembers the largest |x| it saw and its rate is
 *   divided by it, so raw feature units do not matter (clients send raw values);
 * - safe: a step never moves the prediction past the target.
 * It has no posterior, so width is 0: pair it with epsilon-greedy or SquareCB.
 */
export class SgdRegressionLearner implements Learner<HashedContext> {
  readonly kind = SGD_KIND;
  private readonly hasher: InteractionHasher;
  private readonly weight: Float64Array;
  private readonly gradSq: Float64Array;
  private readonly maxAbs: Float64Array;
  private readonly vector = new SparseVector(256);
  private examples = 0;
  /** Sum over examples of sum_i (x_i / maxAbs_i)^2: the global normaliser. */
  private normSum = 0;
  private count = 0;

  readonly config: SgdConfig;

  constructor(config: SgdConfigInput) {
    this.config = parseLearnerConfig(SGD_KIND, sgdConfigSchema, config);
    this.hasher = new InteractionHasher(this.config.bits);
    const size = this.hasher.size;
    this.weight = new Float64Array(size);
    this.gradSq = new Float64Array(size);
    this.maxAbs = new Float64Array(size);
  }

  get updates(): number {
    return this.count;
  }

  prepare(context: Features): HashedContext {
    return this.hasher.hashContext(context);
  }

  score(prepared: HashedContext, actions: readonly ActionRef[], out: ScoreBuffers): void {
    const v = this.vector;
    const w = this.weight;
    for (let k = 0; k < actions.length; k++) {
      this.hasher.build(prepared, actions[k]!, v);
      let s = 0;
      for (let i = 0; i < v.length; i++) s += w[v.index[i]!]! * v.value[i]!;
      out.mean[k] = s;
      out.width[k] = 0;
    }
  }

  learn(example: LearningExample): void {
    const v = this.vector;
    this.hasher.build(this.prepare(example.context), example.action, v);
    this.count++;
    if (example.previousReward !== undefined) {
      // No sufficient statistics to correct: step by the target's change as if it were the error.
      this.step(v, -(example.reward - example.previousReward), false, importanceWeight(example));
      return;
    }
    this.normalize(v);
    let p = 0;
    for (let i = 0; i < v.length; i++) p += this.weight[v.index[i]!]! * v.value[i]!;
    this.step(v, p - example.reward, true, importanceWeight(example));
  }

  unlearn(_example: LearningExample): boolean {
    return false;
  }

  explain(prepared: HashedContext, action: ActionRef, top: number): Contribution[] {
    const v = new SparseVector(16);
    this.hasher.build(prepared, action, v);
    const names = this.hasher.names(prepared, action);
    const out: Contribution[] = [];
    for (let i = 0; i < v.length; i++) {
      const c = this.weight[v.index[i]!]! * v.value[i]!;
      if (c !== 0) out.push({ feature: names[i] ?? `#${v.index[i]}`, contribution: c });
    }
    out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return out.slice(0, Math.max(0, top));
  }

  snapshot(): LearnerSnapshot {
    const state: SgdState = {
      config: { ...this.config },
      examples: this.examples,
      normSum: this.normSum,
      index: [],
      weight: [],
      gradSq: [],
      maxAbs: [],
    };
    // Sparse: most of the 2^bits weights are never touched.
    for (let i = 0; i < this.maxAbs.length; i++) {
      if (this.maxAbs[i] === 0) continue;
      state.index.push(i);
      state.weight.push(this.weight[i]!);
      state.gradSq.push(this.gradSq[i]!);
      state.maxAbs.push(this.maxAbs[i]!);
    }
    return { kind: this.kind, updates: this.count, state };
  }

  static restore(snapshot: LearnerSnapshot): SgdRegressionLearner {
    const s = stateSchema.parse(snapshot.state);
    const learner = new SgdRegressionLearner(s.config);
    const n = s.index.length;
    if (s.weight.length !== n || s.gradSq.length !== n || s.maxAbs.length !== n) {
      throw tactError('SNAPSHOT_INVALID', 'sgd snapshot: parallel arrays differ in length');
    }
    for (let k = 0; k < n; k++) {
      const i = s.index[k]!;
      if (i >= learner.weight.length) throw tactError('SNAPSHOT_INVALID', `sgd snapshot: index ${i} out of range`);
      learner.weight[i] = s.weight[k]!;
      learner.gradSq[i] = s.gradSq[k]!;
      learner.maxAbs[i] = s.maxAbs[k]!;
    }
    learner.examples = s.examples;
    learner.normSum = s.normSum;
    learner.count = snapshot.updates;
    return learner;
  }

  /**
   * Track each weight's largest |x|. When it grows, the weight is shrunk by
   * (old/new)^2, as VW does, so the step size already taken stays in proportion.
   */
  private normalize(v: SparseVector): void {
    let norm = 0;
    for (let k = 0; k < v.length; k++) {
      const i = v.index[k]!;
      const x = Math.abs(v.value[k]!);
      // Below MIN_SCALE a value counts as 0: its square underflows and the adaptive rate would divide by it.
      if (x < MIN_SCALE) continue;
      const old = this.maxAbs[i]!;
      if (x > old) {
        if (old > 0) {
          const r = old / x;
          this.weight[i] = this.weight[i]! * r * r;
        }
        this.maxAbs[i] = x;
      }
      const n = x / this.maxAbs[i]!;
      norm += n * n;
    }
    this.examples++;
    this.normSum += norm;
  }

  /**
   * One gradient step. An importance weight h scales the gradient (h * error * x);
   * the safe cap then bounds h * predictedMove, so a large weight moves the
   * prediction to the target at most, never past it.
   */
  private step(v: SparseVector, rawError: number, accumulate: boolean, importance = 1): void {
    const error = rawError * importance;
    if (error === 0 || this.examples === 0 || this.normSum === 0) return;
    const w = this.weight;
    const g2 = this.gradSq;
    const n = this.maxAbs;
    // Global normaliser: rates are relative to the average normalised squared norm of an example.
    const global = this.config.learningRate * (this.examples / this.normSum);
    let predictedMove = 0;
    for (let k = 0; k < v.length; k++) {
      const i = v.index[k]!;
      const x = v.value[k]!;
      if (!(Math.abs(x) >= MIN_SCALE) || n[i] === 0) continue;
      if (accumulate) g2[i] = g2[i]! + error * error * x * x;
      const rate = global / (Math.sqrt(g2[i]! || error * error * x * x) * n[i]!);
      predictedMove += rate * x * x;
    }
    // Safe step: never overshoot the target (predictedMove * |error| <= |rawError|).
    const move = predictedMove * importance;
    const shrink = move > 1 ? 1 / move : 1;
    const l2 = this.config.l2;
    for (let k = 0; k < v.length; k++) {
      const i = v.index[k]!;
      const x = v.value[k]!;
      if (!(Math.abs(x) >= MIN_SCALE) || n[i] === 0) continue;
      const rate = (shrink * global) / (Math.sqrt(g2[i]! || error * error * x * x) * n[i]!);
      w[i] = w[i]! * (1 - l2) - rate * error * x;
    }
  }
}
