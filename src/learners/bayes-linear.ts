import { z } from 'zod';
import { invalidArgument } from '../core/errors.js';
import { categoricalKey, type Features } from '../domain/features.js';
import { FeatureScaler, scalerStateSchema } from '../features/scaler.js';
import { BIAS_INDEX, DEFAULT_MAX_FEATURES, DEFAULT_OVERFLOW_SLOTS, FeatureVocabulary } from '../features/vocabulary.js';
import { parseLearnerConfig } from './learner-config.js';
import { Arm, armStateSchema, changeUnits, learnExample, quadraticForm, residualSumOfSquares, unlearnExample } from './linear-posterior.js';
import { RewardScale, rewardScaleStateSchema } from './reward-scale.js';
import type {
  ActionRef,
  Contribution,
  Learner,
  LearnerSnapshot,
  LearningExample,
  ScoreBuffers,
} from './learner.js';

export const BAYES_LINEAR_KIND = 'bayes-linear';

/** Default budget of one learner's per-id models: 256 MiB whatever the dimension. */
export const DEFAULT_MAX_MODEL_BYTES = 256 * 2 ** 20;

/**
 * Bytes one per-id model of dimension d holds: A^-1 (d^2 doubles), b and
 * theta (d each), plus about 160 bytes of objects and map entry.
 */
export const armBytes = (d: number): number => 8 * (d * d + 2 * d) + 160;

/**
 * bayes-linear's settings: the one schema its config type, its registry
 * entry and its snapshots use. Defaults tuned once on the digits stream
 * (max-abs-scaled pixels, 10 arms) together with DEFAULT_EXPLORATION and
 * kept for every data set: lambda 1 is a unit prior in scaled units; noise
 * 0.25 is the posterior width scale for rewards in [0, 1] (a Bernoulli's sd
 * is at most 0.5), and UCB alpha 1 / Thompson scale then read in the same
 * units.
 */
export const bayesLinearConfigSchema = z.object({
  /** Prior precision (ridge strength) on every weight, in scaled units. */
  lambda: z.number().positive().default(1),
  /** Observation noise sd, in units of the typical non-zero reward (see RewardScale): width = noise * scale * sqrt(x' A^-1 x). */
  noise: z.number().nonnegative().default(0.25),
  /**
   * Where each arm's noise sd comes from. 'fixed': `noise`. 'residuals': an
   * empirical-Bayes estimate from the arm's own ridge residuals, with the
   * prior `noisePrior` worth `noisePriorWeight` observations (see noiseOf).
   * Either way the floor of noiseFloorRewards applies. 'fixed' is the
   * default: on the many-class streams the estimate alone stayed below the
   * textbook (0.779 with 26 classes, where fixed 0.25 gave 0.779 too), and
   * with the floor it did no better than the floor alone (0.835 vs 0.842;
   * 0.765 vs 0.782 with 20 classes), bench/results/many-class.md.
   */
  noiseEstimate: z.enum(['fixed', 'residuals']).default('fixed'),
  /**
   * Noise sd, in reward units, of an arm before its own data: 0.5 is the
   * largest sd of a 0/1 reward. Also the top of the early floor.
   */
  noisePrior: z.number().positive().default(0.5),
  /** Observations the prior noise is worth against an arm's residuals ('residuals' only). */
  noisePriorWeight: z.number().positive().default(5),
  /**
   * The early floor: an arm's noise sd is at least
   * noisePrior * sqrt(m0 / (m0 + m)), m its non-zero rewards in reward units
   * (sum of r^2 / unit^2), m0 this. An arm that has seen only zeros has tiny
   * residuals and a mean near 0, yet knows nothing of where it pays: with
   * 26 actions each sees a hit in 1 of 26 tries at first, so the floor holds
   * its width until it has seen rewards. 0: no floor.
   */
  noiseFloorRewards: z.number().nonnegative().default(10),
  /** Forgetting factor gamma in (0, 1]; 1 keeps every example forever. */
  forgetting: z.number().gt(0).lte(1).default(1),
  /** Named features before the vocabulary overflows into hashed slots. */
  maxFeatures: z.number().int().nonnegative().max(4096).default(DEFAULT_MAX_FEATURES),
  overflowSlots: z.number().int().positive().max(4096).default(DEFAULT_OVERFLOW_SLOTS),
  /**
   * Memory budget of the per-id models, in bytes. Each id costs armBytes(d):
   * its d x d A^-1 dominates (683 KB at d = 290). Past the budget the least
   * recently learned ids are dropped, oldest first: they score as unseen
   * again and learn afresh.
   */
  maxModelBytes: z.number().int().min(2 ** 20).default(DEFAULT_MAX_MODEL_BYTES),
});

export type BayesLinearConfig = z.output<typeof bayesLinearConfigSchema>;
/** What a caller may give: any setting left out takes its default. */
export type BayesLinearConfigInput = z.input<typeof bayesLinearConfigSchema>;

/** The context encoded once per decision: dense scaled vector and its non-zeros. */
export interface BayesPrepared {
  /** Scaled dense vector, x[0] = 1 (bias); length = vocabulary size at prepare time. */
  readonly x: Float64Array;
  /** Ascending indices of the non-zero entries of x. */
  readonly nz: Int32Array;
  /** The non-zero values, parallel to nz: the quadratic form reads them contiguously. */
  readonly xv: Float64Array;
  /** Squared norm of x: the prior variance of an unseen arm is normSq / lambda. */
  readonly normSq: number;
}

const idArmStateSchema = armStateSchema.extend({ id: z.string() });

/**
 * A config saved before noiseEstimate existed ran on the fixed noise with no
 * floor: it restores on that, so a restored learner scores exactly as the one
 * saved (test/learners/snapshot-compat.test.ts).
 */
export function asSavedBeforeNoiseEstimate(c: unknown): unknown {
  return typeof c === 'object' && c !== null && !('noiseFloorRewards' in c) ? { ...c, noiseEstimate: 'fixed', noiseFloorRewards: 0 } : c;
}

const savedBayesLinearConfigSchema = z.preprocess(asSavedBeforeNoiseEstimate, bayesLinearConfigSchema);

const stateSchema = z.object({
  config: savedBayesLinearConfigSchema,
  vocabulary: z.object({
    maxFeatures: z.number().int().nonnegative(),
    overflowSlots: z.number().int().positive(),
    names: z.array(z.string()),
    overflowed: z.boolean(),
  }),
  scaler: scalerStateSchema,
  rewardScale: rewardScaleStateSchema.optional(),
  arms: z.array(idArmStateSchema),
});

export type BayesLinearState = z.infer<typeof stateSchema>;

/**
 * Disjoint Bayesian linear regression per action id (LinUCB disjoint, Li et
 * al. 2010) over the dense, online-scaled context (bias + vocabulary).
 *
 * Action features are ignored: they are constant per action id, so a
 * disjoint model absorbs them into the arm's bias.
 *
 * Memory is bounded (maxModelBytes): the arms are kept in order of their
 * last update, and past the budget the least recently updated go first.
 * Only learning moves an arm up, never scoring, so every replica applying
 * the same updates keeps and drops the same arms.
 */
export class BayesLinearLearner implements Learner<BayesPrepared> {
  readonly kind = BAYES_LINEAR_KIND;
  private count = 0;
  /** Per-id models, least recently updated first (Map order). */
  private readonly arms = new Map<string, Arm>();
  /** armBytes summed over the arms. */
  private bytes = 0;
  private dropped = 0;
  /** Public so a composite learner (neural-linear) can share the encoding it keeps current. */
  readonly vocabulary: FeatureVocabulary;
  readonly scaler: FeatureScaler;
  private rewardScale = new RewardScale();
  /** Scratch for learning, sized to the vocabulary's capacity once. */
  private readonly u: Float64Array;
  private readonly xs: Float64Array;
  private readonly nzs: Int32Array;

  readonly config: BayesLinearConfig;

  constructor(config: BayesLinearConfigInput, vocabulary?: FeatureVocabulary, scaler?: FeatureScaler) {
    this.config = parseLearnerConfig(BAYES_LINEAR_KIND, bayesLinearConfigSchema, config);
    this.vocabulary = vocabulary ?? new FeatureVocabulary(this.config.maxFeatures, this.config.overflowSlots);
    this.scaler = scaler ?? new FeatureScaler(64);
    const cap = this.vocabulary.capacity;
    this.u = new Float64Array(cap);
    this.xs = new Float64Array(cap);
    this.nzs = new Int32Array(cap);
  }

  get updates(): number {
    return this.count;
  }

  /** Number of arms with statistics. */
  get armCount(): number {
    return this.arms.size;
  }

  /** Bytes held by the per-id models (see armBytes); at most maxModelBytes once a learn returns. */
  get modelBytes(): number {
    return this.bytes;
  }

  /** Per-id models dropped to stay within maxModelBytes, since this learner was created or restored. */
  get droppedModels(): number {
    return this.dropped;
  }

  /** Current dense dimension (bias + named features, + overflow slots once used). */
  get dimension(): number {
    return this.vocabulary.size;
  }

  prepare(context: Features): BayesPrepared {
    const dim = this.vocabulary.size;
    const x = new Float64Array(dim);
    x[BIAS_INDEX] = 1;
    for (const name in context.numeric) {
      const v = finite(name, context.numeric[name]);
      if (v === 0) continue;
      const i = this.vocabulary.lookup(name);
      if (i >= 0) x[i] = x[i]! + this.scaler.apply(i, v);
    }
    for (const name in context.categorical) {
      const i = this.vocabulary.lookup(categoricalKey(name, context.categorical[name] ?? ''));
      if (i >= 0) x[i] = x[i]! + 1;
    }
    let nnz = 0;
    let normSq = 0;
    for (let i = 0; i < dim; i++) {
      const v = x[i]!;
      if (v !== 0) {
        nnz++;
        normSq += v * v;
      }
    }
    const nz = new Int32Array(nnz);
    const xv = new Float64Array(nnz);
    for (let i = 0, k = 0; i < dim; i++) {
      if (x[i] === 0) continue;
      nz[k] = i;
      xv[k++] = x[i]!;
    }
    return { x, nz, xv, normSq };
  }

  score(prepared: BayesPrepared, actions: readonly ActionRef[], out: ScoreBuffers): void {
    const { nz, xv, normSq } = prepared;
    const unit = this.rewardScale.value;
    // An unseen arm: no residuals, no rewards, so the prior noise (or the fixed one) and the full floor.
    const noise = this.noiseOf(undefined) * unit;
    const priorWidth = noise * Math.sqrt(normSq / this.config.lambda);
    for (let k = 0; k < actions.length; k++) {
      const arm = this.arms.get(actions[k]!.id);
      if (arm === undefined) {
        out.mean[k] = 0;
        out.width[k] = priorWidth;
        continue;
      }
      const armNoise = this.adapts ? this.noiseOf(arm) * unit : noise;
      const d = arm.dim;
      const theta = arm.theta;
      // Features the arm has never seen have mean 0 and prior variance x^2 / prior.
      let count = 0;
      let mean = 0;
      let tail = 0;
      for (let a = 0; a < nz.length; a++) {
        const i = nz[a]!;
        const xi = xv[a]!;
        if (i < d) {
          mean += theta[i]! * xi;
          count++;
        } else tail += xi * xi;
      }
      // nz is ascending, so count === d means it is 0..d-1.
      const q = quadraticForm(arm.aInv, d, nz, xv, count, count === d) + tail / arm.prior;
      out.mean[k] = mean;
      out.width[k] = armNoise * Math.sqrt(q > 0 ? q : 0);
    }
  }

  /**
   * Whether an arm's noise depends on its own data (estimate or floor).
   * Not under forgetting: the exact sums behind both do not decay.
   */
  get adapts(): boolean {
    const c = this.config;
    return c.forgetting === 1 && (c.noiseEstimate === 'residuals' || c.noiseFloorRewards > 0);
  }

  /**
   * An arm's noise sd in reward units (undefined: an unseen arm). With
   * 'residuals', the posterior mean of the variance under a conjugate prior
   * worth n0 = noisePriorWeight observations at s0 = noisePrior:
   * (n0 s0^2 + RSS / unit^2) / (n0 + n - p), RSS the arm's ridge residual
   * over its n observations and p = d - prior tr(A^-1) the weights those
   * spent (an arm with fewer observations than features fits them exactly,
   * and its residual says nothing yet). Then at least the floor (see
   * noiseFloorRewards). Everything it reads is exact state (rewardSq, count)
   * or the posterior, so unlearning an example takes its effect back.
   */
  noiseOf(arm: Arm | undefined): number {
    const c = this.config;
    const s0 = c.noisePrior;
    let sd = c.noiseEstimate === 'residuals' ? s0 : c.noise;
    if (!this.adapts) return c.noise;
    if (arm === undefined) return Math.max(sd, c.noiseFloorRewards > 0 ? s0 : 0);
    const unit = this.rewardScale.value;
    if (c.noiseEstimate === 'residuals') {
      const d = arm.dim;
      let trace = 0;
      for (let i = 0; i < d; i++) trace += arm.aInv[i * d + i]!;
      const spent = d - arm.prior * trace;
      const n0 = c.noisePriorWeight;
      sd = Math.sqrt((n0 * s0 * s0 + residualSumOfSquares(arm) / (unit * unit)) / (n0 + Math.max(0, arm.count - spent)));
    }
    const m0 = c.noiseFloorRewards;
    if (m0 === 0) return sd;
    return Math.max(sd, s0 * Math.sqrt(m0 / (m0 + arm.rewardSq.value / (unit * unit))));
  }

  learn(example: LearningExample): void {
    const nnz = this.encodeForLearning(example.context);
    const arm = this.armFor(example.action.id);
    this.bytes -= armBytes(arm.dim);
    arm.grow(this.vocabulary.size);
    this.bytes += armBytes(arm.dim);
    learnExample(arm, this.xs, this.nzs, nnz, this.u, example, this.config.forgetting, this.rewardScale);
    this.count++;
    this.clearScratch(nnz);
    this.enforceBudget();
  }

  unlearn(example: LearningExample): boolean {
    if (this.config.forgetting < 1) return false;
    const arm = this.arms.get(example.action.id);
    // Its arm was dropped for the budget since: only its values in the scales remain.
    if (arm === undefined) {
      this.forgetScales(example.context);
      return true;
    }
    const nnz = this.encodeForUnlearning(example.context, arm.dim);
    if (!unlearnExample(arm, this.xs, this.nzs, nnz, this.u, example, this.rewardScale)) {
      this.clearScratch(nnz);
      return false;
    }
    this.count++;
    this.clearScratch(nnz);
    this.forgetScales(example.context);
    return true;
  }

  explain(prepared: BayesPrepared, action: ActionRef, top: number): Contribution[] {
    const arm = this.arms.get(action.id);
    if (arm === undefined) return [];
    const out: Contribution[] = [];
    for (const i of prepared.nz) {
      if (i >= arm.dim) continue;
      const c = arm.theta[i]! * prepared.x[i]!;
      if (c !== 0) out.push({ feature: this.vocabulary.nameOf(i), contribution: c });
    }
    out.sort((p, q) => Math.abs(q.contribution) - Math.abs(p.contribution));
    return out.slice(0, Math.max(0, top));
  }

  /** Posterior mean weights of an arm in scaled units (copy), for tests and diagnostics. */
  weights(actionId: string): Float64Array | undefined {
    const arm = this.arms.get(actionId);
    return arm === undefined ? undefined : Float64Array.from(arm.theta);
  }

  /** Current scale of a named feature (0 if unseen). */
  scaleOf(name: string): number {
    const i = this.vocabulary.lookup(name);
    return i < 0 ? 0 : this.scaler.scaleOf(i);
  }

  snapshot(): LearnerSnapshot {
    const state: BayesLinearState = {
      config: { ...this.config },
      vocabulary: this.vocabulary.snapshot() as BayesLinearState['vocabulary'],
      scaler: this.scaler.snapshot(),
      rewardScale: this.rewardScale.snapshot(),
      arms: [...this.arms].map(([id, arm]) => ({ id, ...arm.toState() })),
    };
    return { kind: this.kind, updates: this.count, state };
  }

  static restore(snapshot: LearnerSnapshot): BayesLinearLearner {
    const s = stateSchema.parse(snapshot.state);
    const learner = new BayesLinearLearner(
      s.config,
      FeatureVocabulary.restore(s.vocabulary),
      FeatureScaler.restore(s.scaler),
    );
    for (const a of s.arms) {
      const arm = Arm.fromState(a, `arm ${a.id}`);
      learner.arms.set(a.id, arm);
      learner.bytes += armBytes(arm.dim);
    }
    learner.enforceBudget();
    learner.count = snapshot.updates;
    if (s.rewardScale) learner.rewardScale = RewardScale.restore(s.rewardScale);
    return learner;
  }

  /** The arm of `id`, created if new, moved to the most recent end. */
  private armFor(id: string): Arm {
    let arm = this.arms.get(id);
    if (arm === undefined) {
      arm = Arm.fresh(this.vocabulary.size, this.config.lambda);
      this.bytes += armBytes(arm.dim);
    } else this.arms.delete(id);
    this.arms.set(id, arm);
    return arm;
  }

  /**
   * Drop the least recently updated arms until the models fit the budget.
   * The most recent one always stays, so a single arm may exceed a budget
   * set below armBytes(d); the budget bounds how many ids are kept,
   * maxFeatures bounds d.
   */
  private enforceBudget(): void {
    const budget = this.config.maxModelBytes;
    while (this.bytes > budget && this.arms.size > 1) {
      const [oldest, arm] = this.arms.entries().next().value as [string, Arm];
      this.arms.delete(oldest);
      this.bytes -= armBytes(arm.dim);
      this.dropped++;
    }
  }

  private clearScratch(nnz: number): void {
    for (let k = 0; k < nnz; k++) this.xs[this.nzs[k]!] = 0;
  }

  /**
   * Grow the vocabulary and scales with the example's raw values, rescale
   * every arm whose units changed, then write the scaled vector into scratch.
   * Returns the number of non-zeros (their indices are in nzs).
   */
  private encodeForLearning(context: Features): number {
    const rescales = new Map<number, number>();
    const numeric: Array<[number, number]> = [];
    const categorical: number[] = [];
    for (const name in context.numeric) {
      const v = finite(name, context.numeric[name]);
      if (v === 0) continue;
      const i = this.vocabulary.learnIndex(name);
      const f = this.scaler.observe(i, v);
      if (f !== 1) rescales.set(i, (rescales.get(i) ?? 1) * f);
      numeric.push([i, v]);
    }
    for (const name in context.categorical) {
      categorical.push(this.vocabulary.learnIndex(categoricalKey(name, context.categorical[name] ?? '')));
    }
    if (rescales.size > 0) this.rescaleArms(rescales);
    const x = this.xs;
    x[BIAS_INDEX] = 1;
    for (const [i, v] of numeric) x[i] = x[i]! + this.scaler.learned(i, v);
    for (const i of categorical) x[i] = x[i]! + 1;
    return this.collectNonZeros(this.vocabulary.size);
  }

  /**
   * Take the example's raw values out of the scales, after its statistics
   * were taken out at the scales it was encoded with, and rescale every arm
   * whose units changed: the exact reverse of encodeForLearning.
   */
  private forgetScales(context: Features): void {
    const rescales = new Map<number, number>();
    for (const name in context.numeric) {
      const v = finite(name, context.numeric[name]);
      const i = this.vocabulary.lookup(name);
      if (v === 0 || i < 0) continue;
      const f = this.scaler.forget(i, v);
      if (f !== 1) rescales.set(i, (rescales.get(i) ?? 1) * f);
    }
    if (rescales.size > 0) this.rescaleArms(rescales);
  }

  /** Encode with the current vocabulary and scales, learning nothing (values clipped as learning clips them). */
  private encodeForUnlearning(context: Features, dim: number): number {
    const x = this.xs;
    x[BIAS_INDEX] = 1;
    for (const name in context.numeric) {
      const v = finite(name, context.numeric[name]);
      const i = this.vocabulary.lookup(name);
      if (v !== 0 && i >= 0 && i < dim) x[i] = x[i]! + this.scaler.learned(i, v);
    }
    for (const name in context.categorical) {
      const i = this.vocabulary.lookup(categoricalKey(name, context.categorical[name] ?? ''));
      if (i >= 0 && i < dim) x[i] = x[i]! + 1;
    }
    return this.collectNonZeros(dim);
  }

  private collectNonZeros(dim: number): number {
    let nnz = 0;
    for (let i = 0; i < dim; i++) if (this.xs[i] !== 0) this.nzs[nnz++] = i;
    return nnz;
  }

  /** Exact change of units (see changeUnits) of every rescaled feature in every arm. */
  private rescaleArms(rescales: ReadonlyMap<number, number>): void {
    for (const arm of this.arms.values()) {
      let touched = false;
      for (const [j, f] of rescales) {
        if (j >= arm.dim) continue;
        changeUnits(arm, j, f, this.u);
        touched = true;
      }
      if (touched) arm.refreshTheta();
    }
  }
}

/** The example's importance weight; refused when it would corrupt A (negative or not finite). */

function finite(name: string, v: number | undefined): number {
  if (v === undefined) return 0;
  // A single NaN in A^-1 is unrecoverable, so bad values are refused, not learned.
  if (!Number.isFinite(v)) throw invalidArgument(`context.numeric[${name}]`, 'must be a finite number');
  return v;
}
