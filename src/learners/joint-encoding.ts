import { z } from 'zod';
import { invalidArgument } from '../core/errors.js';
import { categoricalKey, hasFeatures, type Features } from '../domain/features.js';
import { BIAS_INDEX, FeatureVocabulary } from '../features/vocabulary.js';
import { FeatureScaler, scalerStateSchema } from '../features/scaler.js';
import type { ActionRef } from './learner.js';

/** A context feature and the action feature it is compared with. */
export interface SharedMatch {
  readonly context: string;
  readonly action: string;
}

/** The settings that shape the joint vector (a subset of bayes-shared's config). */
export interface JointEncodingConfig {
  readonly maxFeatures: number;
  readonly overflowSlots: number;
  readonly idInteractions: 'auto' | 'always' | 'never';
  readonly pairs?: readonly string[] | undefined;
  readonly idFeature: 'always' | 'auto';
  readonly matches: readonly SharedMatch[];
}

/**
 * Base features of a context or an action (before products): base ids and
 * scaled values.
 */
export interface BaseEntries {
  readonly ids: Int32Array;
  readonly values: Float64Array;
  /** Entries [0, pairEnd) form products with the context; the rest are main effects only. */
  readonly pairEnd: number;
}

/** Told, while learning or unlearning, that every joint feature in `indices` now reads its base's values multiplied by `factor`. */
export type RescaleListener = (indices: readonly number[], factor: number) => void;

/** The encoding's part of a bayes-shared snapshot (field names are the saved format). */
export const jointEncodingStateSchema = z.object({
  vocabulary: z.object({ names: z.array(z.string()) }).passthrough(),
  baseNames: z.array(z.string()),
  /** The bases' scales, all that code before baseScaler stored and read. */
  baseScales: z.array(z.number().nonnegative()),
  baseScaler: scalerStateSchema.optional(),
  jointBases: z.array(z.tuple([z.string(), z.number().int(), z.number().int()])),
});

export type JointEncodingState = z.infer<typeof jointEncodingStateSchema>;

/** How base features are encoded: for scoring, or for learning or unlearning (the scales change only around these). */
type Mode = 'score' | 'learn' | 'unlearn';

/** Key of a (context base, action base) pair in the pair index: both ids fit 26 bits. */
const pairKey = (c: number, a: number): number => c * 67_108_864 + a;

/**
 * The joint vector [bias, context, action features, context x action
 * features] of bayes-shared: which base features exist and their robust
 * scales (FeatureScaler), which joint features (a base alone, or a pair) have a model
 * dimension, and the per-action encodings cached for scoring.
 *
 * Scoring never adds anything (unknown features report index -1, at the
 * prior); learning does, and when a numeric base's scale changes (learning
 * or unlearning) it tells the listener which dimensions change units, so the
 * posterior stays exact.
 */
export class JointEncoding {
  /** Joint-vector features: the model's dimensions. */
  readonly vocabulary: FeatureVocabulary;
  /** Base features (context or action, before products): ids for the pair index and scales. */
  private readonly baseIds = new Map<string, number>();
  private readonly baseNames: string[] = [];
  private baseScales = new FeatureScaler(64);
  /** Joint index of each base feature alone, and of each (context, action) pair. */
  private readonly single = new Map<number, number>();
  private readonly pairs = new Map<number, number>();
  /** Joint indices that involve a base feature, to rescale when its scale grows. */
  private readonly uses: number[][] = [];
  /** Every joint feature registered, in order: replaying them rebuilds the vocabulary. */
  private readonly joints: Array<[string, number, number]> = [];
  private readonly actionCache = new Map<string, { features: Features; entries: BaseEntries }>();
  /** Whether each action base pairs with the context (from `pairs`), by base id. */
  private readonly paired = new Map<number, boolean>();

  constructor(
    private readonly config: JointEncodingConfig,
    private readonly onRescale: RescaleListener,
  ) {
    this.vocabulary = new FeatureVocabulary(config.maxFeatures, config.overflowSlots);
  }

  /** An encoding with the bases, scales and joint features of a snapshot, in their saved order. */
  static restore(config: JointEncodingConfig, state: JointEncodingState, onRescale: RescaleListener): JointEncoding {
    const encoding = new JointEncoding(config, onRescale);
    for (const name of state.baseNames) encoding.baseId(name);
    encoding.baseScales = FeatureScaler.restore(state.baseScaler ?? { scales: state.baseScales });
    for (const [key, a, b] of state.jointBases) encoding.registerJoint(key, a, b);
    return encoding;
  }

  snapshot(): JointEncodingState {
    const vocabulary = this.vocabulary.snapshot();
    return {
      vocabulary: { ...vocabulary, names: [...vocabulary.names] },
      baseNames: [...this.baseNames],
      baseScales: this.baseNames.map((_, i) => this.baseScales.scaleOf(i)),
      baseScaler: this.baseScales.snapshot(),
      jointBases: this.joints.map((j) => [...j] as [string, number, number]),
    };
  }

  /** A decision's context, for scoring: known bases only, at the current scales. */
  context(features: Features): BaseEntries {
    return this.encodeBases(features, 'c:', 'score');
  }

  /** A candidate's entries for scoring (cached per action id), match features included. */
  candidate(context: Readonly<Record<string, string>>, action: ActionRef): BaseEntries {
    return this.withMatches(context, action, this.actionEntries(action), false);
  }

  /**
   * An example's context and action entries, learning: new bases get ids and
   * numeric scales take in its values (the listener told), the context first.
   */
  learning(context: Features, action: ActionRef): { context: BaseEntries; action: BaseEntries } {
    return this.example(context, action, 'learn');
  }

  /**
   * An example's entries for unlearning it: at the current scales, values
   * clipped as learning clips them; `forget` then takes its values out of
   * the scales.
   */
  unlearning(context: Features, action: ActionRef): { context: BaseEntries; action: BaseEntries } {
    return this.example(context, action, 'unlearn');
  }

  /** Take an unlearned example's numeric values out of the scales (the listener told of every change), the action first: the reverse of learning. */
  forget(context: Features, action: ActionRef): void {
    this.forgetValues(action.features, 'a:');
    this.forgetValues(context, 'c:');
  }

  private example(context: Features, action: ActionRef, mode: Mode): { context: BaseEntries; action: BaseEntries } {
    const c = this.encodeBases(context, 'c:', mode);
    return { context: c, action: this.withMatches(context.categorical, action, this.encodeAction(action, mode), true) };
  }

  private forgetValues(features: Features, prefix: string): void {
    for (const name in features.numeric) {
      const raw = features.numeric[name]!;
      const id = raw === 0 ? undefined : this.baseIds.get(prefix + name);
      if (id !== undefined) this.rescale(id, () => this.baseScales.forget(id, raw));
    }
  }

  /** Joint index of a base's main effect, or -1 if never learned. */
  mainIndex(base: number): number {
    return this.singleIndex(base, false);
  }

  /** Joint index of a (context base, action base) product, or -1 if never learned. */
  productIndex(contextBase: number, actionBase: number): number {
    return this.pairIndex(contextBase, actionBase, false);
  }

  /**
   * Visit every joint feature of (context, action): bias, context bases,
   * action bases, and their products. `learning` assigns indices to new
   * features; otherwise unknown ones are reported with index -1.
   */
  forEachJoint(context: BaseEntries, action: BaseEntries, learning: boolean, visit: (index: number, value: number) => void): void {
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
    }
    return id;
  }

  /**
   * Base features with scaled values. While learning, new bases get ids and
   * numeric scales take in the values, rescaling the statistics of every
   * joint feature that involves them; learning and unlearning read values
   * clipped to the scale (FeatureScaler.learned), scoring does not.
   */
  private encodeBases(features: Features, prefix: string, mode: Mode): BaseEntries {
    const learning = mode !== 'score';
    const ids: number[] = [];
    const values: number[] = [];
    for (const name in features.numeric) {
      const raw = features.numeric[name]!;
      if (!Number.isFinite(raw)) throw invalidArgument(`numeric[${name}]`, 'must be a finite number');
      if (raw === 0) continue;
      const key = prefix + name;
      const id = learning ? this.baseId(key) : this.baseIds.get(key);
      if (id === undefined) continue;
      if (mode === 'learn') this.rescale(id, () => this.baseScales.observe(id, raw));
      ids.push(id);
      values.push(learning ? this.baseScales.learned(id, raw) : this.baseScales.apply(id, raw));
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
   * Action features and the id (see `idFeature`), those that form products
   * with the context first: [paired features, id if paired, the rest].
   */
  private encodeAction(action: ActionRef, mode: Mode): BaseEntries {
    const learning = mode !== 'score';
    const own = this.encodeBases(action.features, 'a:', mode);
    const key = `a:${categoricalKey('action', action.id)}`;
    const id = !this.idIsFeature(action) ? undefined : learning ? this.baseId(key) : this.baseIds.get(key);
    const interactions = this.config.idInteractions;
    const pairId = id !== undefined && (interactions === 'always' || (interactions === 'auto' && !hasFeatures(action.features)));
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
    if (matches.length === 0) return entries;
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
    const entries = this.encodeAction(action, 'score');
    // Only cache complete encodings: a base learned later must show up.
    if (entries.ids.length === countBases(action.features) + (this.idIsFeature(action) ? 1 : 0)) {
      if (this.actionCache.size >= 100_000) this.actionCache.clear();
      this.actionCache.set(action.id, { features: action.features, entries });
    }
    return entries;
  }

  /**
   * Apply `change` to a base's scale; if the scale moved, its joint
   * features change units by the factor it returns (the listener told) and
   * cached encodings are stale.
   */
  private rescale(id: number, change: () => number): void {
    const before = this.baseScales.scaleOf(id);
    const f = change();
    if (this.baseScales.scaleOf(id) === before) return;
    if (f !== 1) this.onRescale(this.uses[id] ?? [], f);
    this.actionCache.clear();
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
