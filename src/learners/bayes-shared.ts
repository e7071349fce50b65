import { z } from 'zod';
import { invalidArgument } from '../core/errors.js';
import { categoricalKey, hasFeatures, type Features } from '../domain/features.js';
import { BIAS_INDEX, FeatureVocabulary } from '../features/vocabulary.js';
import type { ActionRef, Contribution, Learner, LearnerSnapshot, LearningExample, ScoreBuffers } from './learner.js';
import { Arm, armStateSchema, changeUnits, correctTarget, decay, observe, retract, upper, weightOf } from './linear-posterior.js';
import { RewardScale } from './reward-scale.js';

export const BAYES_SHARED_KIND = 'bayes-shared';

export interface BayesSharedConfig {
  /** Prior precision on every weight, in scaled units. */
  readonly lambda: number;
  /** Noise sd in units of the typical non-zero reward (see RewardScale). */
  readonly noise: number;
  /** Forgetting factor per update in (0, 1]; 1 keeps every example. */
  readonly forgetting: number;
  /** Features of the joint vector (context, action, and their products) given own weights. */
  readonly maxFeatures: number;
  readonly overflowSlots: number;
  /**
   * Whether the action id forms products with the context. "auto": only for
   * actions without features, whose id is all that describes them (one model
   * per action, as in disjoint LinUCB); actions with features generalise
   * through them, and per-id products would multiply the dimension by the
   * number of actions.
   */
  readonly idInteractions: 'auto' | 'always' | 'never';
  /**
   * Names of the action features that form products with the context
   * (categorical or numeric); the others are main effects only. Unset: all.
   * Products are what personalise ("sms for customers who prefer sms"), and
   * each costs one weight per context feature: pairing only the features
   * that generalise across actions (channel, slot, category, discount) keeps
   * the model small enough to learn from few rewards.
   */
  readonly pairs?: readonly string[] | undefined;
  /**
   * Whether the action id is a feature of its own. "always" (default); "auto":
   * only for actions without other features. An action described by features
   * is scored through them; an id weight per action would add as many
   * weights as there are actions (hundreds in a catalog, thousands of client
   * candidates), each learned from that action's rewards alone.
   */
  readonly idFeature?: 'always' | 'auto' | undefined;
  /**
   * Match features: for each {context, action} pair of categorical feature
   * names, a candidate whose action value equals the context's value gets
   * one more feature (paired with the context like `pairs`). One weight says
   * "a message about the category the customer just put in the cart"
   * for every category at once, where products need one weight per
   * (context value, action value) and learn it category by category.
   */
  readonly matches?: readonly SharedMatch[] | undefined;
}

/** A context feature and the action feature it is compared with. */
export interface SharedMatch {
  readonly context: string;
  readonly action: string;
}

/** One base feature of a context or an action: its base id and scaled value. */
interface BaseEntries {
  readonly ids: Int32Array;
  readonly values: Float64Array;
  /** Entries [0, pairEnd) form products with the context; the rest are main effects only. */
  readonly pairEnd: number;
}

/** A decision's context, encoded once. */
export interface SharedPrepared {
  readonly context: BaseEntries;
  /** The context's categorical values, for match features. */
  readonly categorical: Readonly<Record<string, string>>;
}

const GROW_BLOCK = 64;

/** Key of a (context base, action base) pair in the pair index: both ids fit 26 bits. */
const pairKey = (c: number, a: number): number => c * 67_108_864 + a;

/**
 * Bayesian linear regression with weights shared across actions, over the
 * joint vector [bias, context, action features, context x action features]
 * (VW's -q between the context and every action feature, the action id
 * included). Because actions share weights through their features, what is
 * learned about "sms for customers who prefer sms" or "shoes for loyal
 * customers" carries over to every message with those features: on a catalog
 * of a hundred message x channel x slot actions this learns from far fewer
 * rewards than one model per action. With no action features but the id,
 * it reduces to one model per action plus a shared baseline.
 *
 * Exact second-order updates (Sherman-Morrison on one dense A^-1 over the
 * learned vocabulary), so learning costs O(D^2) for D joint features in use;
 * scoring costs O(nnz) per candidate for the mean and O(nnz^2) for the width.
 */
export class BayesSharedLearner implements Learner<SharedPrepared> {
  readonly kind = BAYES_SHARED_KIND;
  private count = 0;
  /** Joint-vector features: the model's dimensions. */
  private readonly vocabulary: FeatureVocabulary;
  /** Base features (context or action, before products): ids for the pair index and scales. */
  private readonly baseIds = new Map<string, number>();
  private readonly baseNames: string[] = [];
  private baseScales = new Float64Array(64);
  /** Joint index of each base feature alone, and of each (context, action) pair. */
  private readonly single = new Map<number, number>();
  private readonly pairs = new Map<number, number>();
  /** Joint indices that involve a base feature, to rescale when its scale grows. */
  private readonly uses: number[][] = [];
  /** Every joint feature registered, in order: replaying them rebuilds the vocabulary. */
  private readonly joints: Array<[string, number, number]> = [];
  private arm: Arm;
  private rewardScale = new RewardScale();
  private readonly actionCache = new Map<string, { features: Features; entries: BaseEntries }>();
  private readonly scorer = new BlockScorer(this);
  /** Whether each action base pairs with the context (from `pairs`), by base id. */
  private readonly paired = new Map<number, boolean>();
  /** Dense scratch for learning. */
  private readonly xs: Float64Array;
  private readonly u: Float64Array;

  constructor(readonly config: BayesSharedConfig) {
    if (!(config.lambda > 0)) throw new RangeError('lambda must be > 0');
    if (!(config.forgetting > 0 && config.forgetting <= 1)) throw new RangeError('forgetting must be in (0, 1]');
    this.vocabulary = new FeatureVocabulary(config.maxFeatures, config.overflowSlots);
    this.arm = Arm.fresh(1, config.lambda);
    this.xs = new Float64Array(this.vocabulary.capacity);
    this.u = new Float64Array(this.vocabulary.capacity);
  }

  get updates(): number {
    return this.count;
  }

  get dimension(): number {
    return this.vocabulary.size;
  }

  prepare(context: Features): SharedPrepared {
    return {
      context: this.encodeBases(context, 'c:', false),
      categorical: context.categorical,
    };
  }

  /**
   * Every candidate's joint vector is x = e + sum_b v_b z_b: e the part all
   * candidates share (bias and context), and per action base b (value v_b)
   * the block z_b of its main effect and, if it pairs, its products with
   * the context. So the mean is theta'e + sum v_b theta'z_b and the variance
   * e'Se + 2 sum v_b e'S z_b + sum v_b v_c z_b'S z_c: the block terms are
   * computed once per decision for the few bases the candidates use, and a
   * candidate costs O(bases^2) instead of O(nnz^2). Exact, the same value as
   * the quadratic form over x.
   */
  score(prepared: SharedPrepared, actions: readonly ActionRef[], out: ScoreBuffers): void {
    const noise = this.config.noise * this.rewardScale.value;
    const scorer = this.scorer;
    scorer.begin(prepared.context, noise > 0);
    for (let k = 0; k < actions.length; k++) {
      scorer.score(this.withMatches(prepared.categorical, actions[k]!, this.actionEntries(actions[k]!), false));
      out.mean[k] = scorer.mean;
      out.width[k] = noise > 0 ? noise * Math.sqrt(scorer.variance > 0 ? scorer.variance : 0) : 0;
    }
  }

  /** Joint index of a base's main effect, or -1 if never learned (for the block scorer). */
  mainIndex(base: number): number {
    return this.singleIndex(base, false);
  }

  /** Joint index of a (context base, action base) product, or -1 if never learned. */
  productIndex(contextBase: number, actionBase: number): number {
    return this.pairIndex(contextBase, actionBase, false);
  }

  /** The posterior the block scorer reads. */
  get posterior(): Arm {
    return this.arm;
  }

  learn(example: LearningExample): void {
    const nnz = this.encodeForLearning(example);
    const w = weightOf(example);
    this.rewardScale.update(example.reward, example.previousReward);
    if (example.previousReward !== undefined) {
      correctTarget(this.arm, this.xs, this.nzScratch, nnz, this.u, w * (example.reward - example.previousReward));
    } else {
      decay(this.arm, this.config.forgetting);
      observe(this.arm, this.xs, this.nzScratch, nnz, this.u, example.reward, w);
    }
    this.count++;
    this.clearScratch(nnz);
  }

  unlearn(example: LearningExample): boolean {
    if (this.config.forgetting < 1) return false;
    const nnz = this.encodeForLearning(example);
    const w = weightOf(example);
    if (example.previousReward !== undefined) {
      correctTarget(this.arm, this.xs, this.nzScratch, nnz, this.u, -w * (example.reward - example.previousReward));
      this.rewardScale.remove(example.reward);
      this.rewardScale.update(example.previousReward);
    } else {
      if (!retract(this.arm, this.xs, this.nzScratch, nnz, this.u, example.reward, w)) {
        this.clearScratch(nnz);
        return false;
      }
      this.rewardScale.remove(example.reward);
    }
    this.count++;
    this.clearScratch(nnz);
    return true;
  }

  explain(prepared: SharedPrepared, action: ActionRef, top: number): Contribution[] {
    const theta = this.arm.theta;
    const out: Contribution[] = [];
    const entries = this.withMatches(prepared.categorical, action, this.actionEntries(action), false);
    this.forEachJoint(prepared.context, entries, false, (index, value) => {
      if (index < 0 || index >= this.arm.dim) return;
      const c = theta[index]! * value;
      if (c !== 0) out.push({ feature: this.vocabulary.nameOf(index), contribution: c });
    });
    out.sort((p, q) => Math.abs(q.contribution) - Math.abs(p.contribution));
    return out.slice(0, Math.max(0, top));
  }

  /** Posterior mean weight of a joint feature by name (for tests and diagnostics). */
  weightOf(name: string): number {
    const i = this.vocabulary.lookup(name);
    return i >= 0 && i < this.arm.dim ? this.arm.theta[i]! : 0;
  }

  snapshot(): LearnerSnapshot {
    const state: SharedState = {
      config: { ...this.config },
      vocabulary: { ...this.vocabulary.snapshot(), names: [...this.vocabulary.snapshot().names] },
      baseNames: [...this.baseNames],
      baseScales: Array.from(this.baseScales.subarray(0, this.baseNames.length)),
      jointBases: this.joints.map((j) => [...j] as [string, number, number]),
      rewardScale: this.rewardScale.snapshot(),
      arm: this.arm.toState(),
    };
    return { kind: this.kind, updates: this.count, state };
  }

  static restore(snapshot: LearnerSnapshot): BayesSharedLearner {
    const s = sharedStateSchema.parse(snapshot.state);
    const learner = new BayesSharedLearner(s.config);
    s.baseNames.forEach((name, i) => {
      learner.baseId(name);
      learner.baseScales[i] = s.baseScales[i] ?? 0;
    });
    for (const [key, a, b] of s.jointBases) learner.registerJoint(key, a, b);
    learner.arm = Arm.fromState(s.arm, 'snapshot arm');
    learner.rewardScale = new RewardScale(s.rewardScale.sumSq, s.rewardScale.count);
    learner.count = snapshot.updates;
    return learner;
  }

  // ------------------------------------------------------------- encoding

  private nzScratch = new Int32Array(256);

  /**
   * Visit every joint feature of (context, action): bias, context bases,
   * action bases, and their products. `learning` assigns indices to new
   * features; otherwise unknown ones are reported with index -1.
   */
  private forEachJoint(
    context: BaseEntries,
    action: BaseEntries,
    learning: boolean,
    visit: (index: number, value: number) => void,
  ): void {
    visit(BIAS_INDEX, 1);
    for (let i = 0; i < context.ids.length; i++) visit(this.singleIndex(context.ids[i]!, learning), context.values[i]!);
    for (let j = 0; j < action.ids.length; j++) visit(this.singleIndex(action.ids[j]!, learning), action.values[j]!);
    for (let i = 0; i < context.ids.length; i++) {
      const c = context.ids[i]!;
      const vc = context.values[i]!;
      for (let j = 0; j < action.pairEnd; j++) {
        visit(this.pairIndex(c, action.ids[j]!, learning), vc * action.values[j]!);
      }
    }
  }

  private singleIndex(base: number, learning: boolean): number {
    const known = this.single.get(base);
    if (known !== undefined || !learning) return known ?? -1;
    return this.registerJoint(this.baseNames[base]!, base, -1);
  }

  private pairIndex(c: number, a: number, learning: boolean): number {
    const known = this.pairs.get(pairKey(c, a));
    if (known !== undefined || !learning) return known ?? -1;
    return this.registerJoint(`${this.baseNames[c]}*${this.baseNames[a]}`, c, a);
  }

  /** Give a joint feature its index and remember which bases it is made of. */
  private registerJoint(key: string, a: number, b: number): number {
    const index = this.vocabulary.learnIndex(key);
    if (b < 0) this.single.set(a, index);
    else this.pairs.set(pairKey(a, b), index);
    for (const base of b < 0 ? [a] : [a, b]) {
      const list = (this.uses[base] ??= []);
      if (!list.includes(index)) list.push(index);
    }
    this.joints.push([key, a, b]);
    return index;
  }

  private baseId(key: string): number {
    let id = this.baseIds.get(key);
    if (id === undefined) {
      id = this.baseNames.length;
      this.baseIds.set(key, id);
      this.baseNames.push(key);
      if (id >= this.baseScales.length) {
        const next = new Float64Array(this.baseScales.length * 2);
        next.set(this.baseScales);
        this.baseScales = next;
      }
    }
    return id;
  }

  /**
   * Base features with scaled values. While learning, new bases get ids and
   * numeric scales grow (max-abs), rescaling the statistics of every joint
   * feature that involves them.
   */
  private encodeBases(features: Features, prefix: string, learning: boolean): BaseEntries {
    const ids: number[] = [];
    const values: number[] = [];
    for (const name in features.numeric) {
      const raw = features.numeric[name]!;
      if (!Number.isFinite(raw)) throw invalidArgument(`numeric[${name}]`, 'must be a finite number');
      if (raw === 0) continue;
      const key = prefix + name;
      const id = learning ? this.baseId(key) : this.baseIds.get(key);
      if (id === undefined) continue;
      if (learning) this.observeScale(id, raw);
      const s = this.baseScales[id]!;
      ids.push(id);
      values.push(s > 0 ? raw / s : Math.sign(raw));
    }
    for (const name in features.categorical) {
      const key = prefix + categoricalKey(name, features.categorical[name] ?? '');
      const id = learning ? this.baseId(key) : this.baseIds.get(key);
      if (id === undefined) continue;
      ids.push(id);
      values.push(1);
    }
    return { ids: Int32Array.from(ids), values: Float64Array.from(values), pairEnd: ids.length };
  }

  /**
   * Action features and the id (always a feature of its own), those that
   * form products with the context first: [paired features, id if paired,
   * the rest].
   */
  private encodeAction(action: ActionRef, learning: boolean): BaseEntries {
    const own = this.encodeBases(action.features, 'a:', learning);
    const key = `a:${categoricalKey('action', action.id)}`;
    const id = !this.idIsFeature(action) ? undefined : learning ? this.baseId(key) : this.baseIds.get(key);
    const mode = this.config.idInteractions;
    const pairId = id !== undefined && (mode === 'always' || (mode === 'auto' && !hasFeatures(action.features)));
    const n = own.ids.length + (id === undefined ? 0 : 1);
    const ids = new Int32Array(n);
    const values = new Float64Array(n);
    let at = 0;
    const put = (base: number, value: number): void => {
      ids[at] = base;
      values[at++] = value;
    };
    for (let k = 0; k < own.ids.length; k++) if (this.pairsWithContext(own.ids[k]!)) put(own.ids[k]!, own.values[k]!);
    if (pairId) put(id, 1);
    const pairEnd = at;
    for (let k = 0; k < own.ids.length; k++) if (!this.pairsWithContext(own.ids[k]!)) put(own.ids[k]!, own.values[k]!);
    if (id !== undefined && !pairId) put(id, 1);
    return { ids, values, pairEnd };
  }

  /**
   * The action's entries plus one base per configured match that holds
   * ("the candidate's category is the category the trigger is about"),
   * first, so it forms products with the context like a paired feature.
   */
  private withMatches(context: Readonly<Record<string, string>>, action: ActionRef, entries: BaseEntries, learning: boolean): BaseEntries {
    const matches = this.config.matches;
    if (matches === undefined || matches.length === 0) return entries;
    const found: number[] = [];
    for (const m of matches) {
      const value = context[m.context];
      if (value === undefined || value === '' || action.features.categorical[m.action] !== value) continue;
      const key = `m:${m.context}~${m.action}`;
      const id = learning ? this.baseId(key) : this.baseIds.get(key);
      if (id !== undefined) found.push(id);
    }
    if (found.length === 0) return entries;
    const ids = new Int32Array(found.length + entries.ids.length);
    ids.set(found);
    ids.set(entries.ids, found.length);
    const values = new Float64Array(ids.length);
    values.fill(1, 0, found.length);
    values.set(entries.values, found.length);
    return { ids, values, pairEnd: entries.pairEnd + found.length };
  }

  /** Whether the action's id is one of its features (see `idFeature`). */
  private idIsFeature(action: ActionRef): boolean {
    return this.config.idFeature !== 'auto' || !hasFeatures(action.features);
  }

  /** Whether an action base forms products with the context: its feature name is in `pairs` (or `pairs` is unset). */
  private pairsWithContext(base: number): boolean {
    const pairs = this.config.pairs;
    if (pairs === undefined) return true;
    let known = this.paired.get(base);
    if (known === undefined) {
      // Base names are "a:name" (numeric) or "a:name=value" (categorical).
      known = pairs.includes(this.baseNames[base]!.slice(2).split('=', 1)[0]!);
      this.paired.set(base, known);
    }
    return known;
  }

  private actionEntries(action: ActionRef): BaseEntries {
    const cached = this.actionCache.get(action.id);
    // Catalog candidates share frozen feature objects; a client's arrive fresh with every request.
    if (cached !== undefined && (cached.features === action.features || sameFeatures(cached.features, action.features))) return cached.entries;
    const entries = this.encodeAction(action, false);
    // Only cache complete encodings: a base learned later must show up.
    if (entries.ids.length === countBases(action.features) + (this.idIsFeature(action) ? 1 : 0)) {
      if (this.actionCache.size >= 100_000) this.actionCache.clear();
      this.actionCache.set(action.id, { features: action.features, entries });
    }
    return entries;
  }

  private observeScale(id: number, raw: number): void {
    const v = Math.abs(raw);
    const old = this.baseScales[id]!;
    if (!(v > old)) return;
    this.baseScales[id] = v;
    if (old > 0) this.rescale(id, old / v);
    this.actionCache.clear();
  }

  /**
   * A base's values shrink by `f` from now on: so does every joint feature
   * using it, each an exact change of units (see changeUnits), so the
   * posterior stays ridge regression on the data in the new units, whatever
   * order it came in.
   */
  private rescale(base: number, f: number): void {
    const d = this.arm.dim;
    const touched = [...new Set(this.uses[base] ?? [])].filter((index) => index < d && index !== BIAS_INDEX);
    for (const index of touched) changeUnits(this.arm, index, f, this.u);
    this.arm.refreshTheta();
  }

  private encodeForLearning(example: LearningExample): number {
    const context = this.encodeBases(example.context, 'c:', true);
    const action = this.withMatches(example.context.categorical, example.action, this.encodeAction(example.action, true), true);
    const x = this.xs;
    let nnz = 0;
    const nzs: number[] = [];
    this.forEachJoint(context, action, true, (index, value) => {
      if (x[index] === 0) nzs.push(index);
      x[index] = x[index]! + value;
    });
    // Grown in blocks: each growth copies the D x D matrix.
    this.arm.grow(Math.min(this.vocabulary.capacity, Math.ceil(this.vocabulary.size / GROW_BLOCK) * GROW_BLOCK));
    if (nzs.length > this.nzScratch.length) this.nzScratch = new Int32Array(nzs.length * 2);
    for (const i of nzs) if (x[i] !== 0) this.nzScratch[nnz++] = i;
    return nnz;
  }

  private clearScratch(nnz: number): void {
    for (let k = 0; k < nnz; k++) this.xs[this.nzScratch[k]!] = 0;
  }
}

/**
 * A block of the joint vector: its features with statistics, stored in the
 * scorer's arena at [start, start + length), and those still at the prior.
 */
interface Block {
  start: number;
  length: number;
  /** Sum of squared values of features never learned (variance val^2 / prior each). */
  tailSq: number;
  /** theta'z. */
  mean: number;
  /** e'S z. */
  cross: number;
}

/**
 * One decision's scoring state: the common block and the action bases'
 * blocks and their products, memoised. Kept by the learner and reset per
 * decision (`begin`); blocks live in reused arenas, so a decision allocates
 * nothing once the arenas have grown to its size.
 */
class BlockScorer {
  private readonly common: Block = { start: 0, length: 0, tailSq: 0, mean: 0, cross: 0 };
  private commonVariance = 0;
  private context!: BaseEntries;
  private wantVariance = false;
  private m: Float64Array = new Float64Array(0);
  private theta: Float64Array = new Float64Array(0);
  private d = 0;
  private prior = 1;
  /** Joint indices and values of every block of this decision, block after block. */
  private idx = new Int32Array(256);
  private val = new Float64Array(256);
  private used = 0;
  /** Blocks by key, numbered in order of first use; the objects are reused across decisions. */
  private readonly numbers = new Map<number, number>();
  private readonly blocks: Block[] = [];
  private count = 0;
  /** Products by pair of block numbers, valid where the stamp is this decision's. */
  private products = new Float64Array(0);
  private stamps = new Int32Array(0);
  private generation = 0;
  private capacity = 0;
  /** Scratch: the current candidate's block numbers. */
  private slots = new Int32Array(16);
  /** The last `score` result. */
  mean = 0;
  variance = 0;

  constructor(private readonly learner: BayesSharedLearner) {}

  begin(context: BaseEntries, wantVariance: boolean): void {
    const arm = this.learner.posterior;
    this.context = context;
    this.wantVariance = wantVariance;
    this.m = arm.aInv;
    this.theta = arm.theta;
    this.d = arm.dim;
    this.prior = arm.prior;
    this.numbers.clear();
    this.count = 0;
    this.used = 0;
    this.generation = (this.generation + 1) | 0;
    if (this.generation === 0) {
      // Wrapped around: every stamp would look current.
      this.stamps.fill(0);
      this.generation = 1;
    }
    // The common block: bias and the context's main effects.
    const c = this.common;
    this.open(c, 1 + context.ids.length);
    this.put(c, BIAS_INDEX, 1);
    for (let i = 0; i < context.ids.length; i++) this.put(c, this.learner.mainIndex(context.ids[i]!), context.values[i]!);
    this.commonVariance = wantVariance ? this.bilinear(c, c) + c.tailSq / this.prior : 0;
  }

  /** Sets `mean` and `variance` for one candidate's action entries. */
  score(action: BaseEntries): void {
    const n = action.ids.length;
    if (this.slots.length < n) this.slots = new Int32Array(n * 2);
    let mean = this.common.mean;
    let variance = this.commonVariance;
    for (let a = 0; a < n; a++) {
      const slot = this.number(action.ids[a]!, a < action.pairEnd);
      this.slots[a] = slot;
      const block = this.blocks[slot]!;
      const va = action.values[a]!;
      mean += va * block.mean;
      if (!this.wantVariance) continue;
      variance += va * (2 * block.cross + va * (this.product(slot, slot) + block.tailSq / this.prior));
      for (let b = 0; b < a; b++) variance += 2 * va * action.values[b]! * this.product(this.slots[b]!, slot);
    }
    this.mean = mean;
    this.variance = variance;
  }

  /** The block of a base (paired or not), built on first use: its main effect and its products with the context. */
  private number(base: number, paired: boolean): number {
    const key = base * 2 + (paired ? 1 : 0);
    const known = this.numbers.get(key);
    if (known !== undefined) return known;
    const slot = this.count++;
    if (slot === this.blocks.length) this.blocks.push({ start: 0, length: 0, tailSq: 0, mean: 0, cross: 0 });
    const block = this.blocks[slot]!;
    const context = this.context;
    this.open(block, 1 + (paired ? context.ids.length : 0));
    this.put(block, this.learner.mainIndex(base), 1);
    if (paired) for (let i = 0; i < context.ids.length; i++) this.put(block, this.learner.productIndex(context.ids[i]!, base), context.values[i]!);
    block.cross = this.wantVariance ? this.bilinear(this.common, block) : 0;
    this.numbers.set(key, slot);
    if (slot >= this.capacity) this.grow(Math.max(32, this.capacity * 2));
    return slot;
  }

  /** Start a block with room for `room` entries at the end of the arena. */
  private open(block: Block, room: number): void {
    if (this.used + room > this.idx.length) {
      const size = Math.max(this.idx.length * 2, this.used + room);
      const idx = new Int32Array(size);
      idx.set(this.idx.subarray(0, this.used));
      const val = new Float64Array(size);
      val.set(this.val.subarray(0, this.used));
      this.idx = idx;
      this.val = val;
    }
    block.start = this.used;
    block.length = 0;
    block.tailSq = 0;
    block.mean = 0;
    block.cross = 0;
  }

  /** Add one joint feature to the block being built (the last opened). */
  private put(block: Block, index: number, value: number): void {
    if (index >= 0 && index < this.d) {
      this.idx[this.used] = index;
      this.val[this.used++] = value;
      block.length++;
      block.mean += this.theta[index]! * value;
    } else block.tailSq += value * value;
  }

  /** a' S b for two blocks, S symmetric in upper storage. */
  private bilinear(a: Block, b: Block): number {
    const { m, d, idx, val } = this;
    let s = 0;
    for (let p = a.start; p < a.start + a.length; p++) {
      const i = idx[p]!;
      let row = 0;
      for (let q = b.start; q < b.start + b.length; q++) row += m[upper(d, i, idx[q]!)]! * val[q]!;
      s += val[p]! * row;
    }
    return s;
  }

  private product(a: number, b: number): number {
    const at = a < b ? a * this.capacity + b : b * this.capacity + a;
    if (this.stamps[at] === this.generation) return this.products[at]!;
    const p = this.bilinear(this.blocks[a]!, this.blocks[b]!);
    this.products[at] = p;
    this.stamps[at] = this.generation;
    return p;
  }

  /** More blocks than ever before: larger tables; what this decision computed is recomputed on demand. */
  private grow(capacity: number): void {
    this.products = new Float64Array(capacity * capacity);
    this.stamps = new Int32Array(capacity * capacity);
    this.capacity = capacity;
  }
}

function sameValues<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function sameFeatures(a: Features, b: Features): boolean {
  return sameValues(a.numeric, b.numeric) && sameValues(a.categorical, b.categorical);
}

function countBases(f: Features): number {
  let n = Object.keys(f.categorical).length;
  for (const name in f.numeric) if (f.numeric[name] !== 0) n++;
  return n;
}

const sharedStateSchema = z.object({
  config: z.object({
    lambda: z.number().positive(),
    noise: z.number().nonnegative(),
    forgetting: z.number().gt(0).lte(1),
    maxFeatures: z.number().int().nonnegative(),
    overflowSlots: z.number().int().positive(),
    idInteractions: z.enum(['auto', 'always', 'never']).default('auto'),
    pairs: z.array(z.string()).readonly().optional(),
    idFeature: z.enum(['always', 'auto']).optional(),
    matches: z.array(z.object({ context: z.string(), action: z.string() })).readonly().optional(),
  }),
  vocabulary: z.object({ names: z.array(z.string()) }).passthrough(),
  baseNames: z.array(z.string()),
  baseScales: z.array(z.number().nonnegative()),
  jointBases: z.array(z.tuple([z.string(), z.number().int(), z.number().int()])),
  rewardScale: z.object({ sumSq: z.number().nonnegative(), count: z.number().int().nonnegative() }),
  arm: armStateSchema,
});

type SharedState = z.infer<typeof sharedStateSchema>;
