import type { Features } from '../domain/features.js';
import type { Learner, LearnerSnapshot, LearningExample } from '../learners/learner.js';
import { restoreLearner } from '../learners/registry.js';

/** Numeric limits of one policy (PolicyConfig.bounds). */
export interface LearningBounds {
  /** Largest |value| of a numeric feature the policy learns from. */
  readonly maxAbsFeature: number;
  /** Largest |reward| (net of cost, after combining) the policy learns from. */
  readonly maxAbsReward: number;
}

/** What the guard did, for metrics and logs. */
export type GuardEvent =
  | { readonly kind: 'clipped'; readonly what: 'feature' | 'reward' }
  | { readonly kind: 'refused'; readonly reason: 'non_finite_input' | 'non_finite_result' | 'learner_error' }
  | { readonly kind: 'rollback'; readonly toUpdates: number; readonly replayed: number; readonly dropped: number };

export interface GuardCounts {
  clipped: number;
  refused: number;
  rollbacks: number;
}

interface Applied {
  readonly example: LearningExample;
  readonly unlearn: boolean;
}

/** Updates between verified checkpoints; also the most replayed on a rollback. */
export const DEFAULT_CHECKPOINT_EVERY = 1000;

/**
 * Wraps a policy's learner so no update can leave it non-finite, without
 * knowing the learner's internals (src/learners is free to change):
 *
 * - every example is clipped to the policy's bounds first (and counted);
 *   one with a non-finite number is refused outright;
 * - after each update the example's own action is scored in its context: a
 *   non-finite mean or width means the update broke the model, so the learner
 *   is restored from the last good checkpoint and the updates since are
 *   replayed without it: the update is refused, never kept;
 * - every `checkpointEvery` updates the whole state is checked (every number
 *   of its snapshot finite) and becomes the new last good checkpoint; a bad
 *   state found there, or by a caller (`recover`), is rolled back the same way.
 *
 * Cost: one extra single-candidate score per update, and a snapshot every
 * `checkpointEvery` updates (a second copy of the model in memory).
 */
export class LearnerGuard {
  private learner: Learner;
  private lastGood: LearnerSnapshot;
  private since: Applied[] = [];
  /** Decisions whose update was refused: their later removal (ForgetCustomer) must not subtract what was never added. */
  private readonly refusedIds = new Set<string>();
  readonly counts: GuardCounts = { clipped: 0, refused: 0, rollbacks: 0 };
  onEvent: ((e: GuardEvent) => void) | undefined;

  constructor(
    learner: Learner,
    private readonly bounds: LearningBounds,
    /** A fresh learner of the policy: the last resort when the one given is already non-finite. */
    fresh: () => Learner,
    private readonly checkpointEvery = DEFAULT_CHECKPOINT_EVERY,
  ) {
    const snap = learner.snapshot();
    if (allFinite(snap.state)) {
      this.learner = learner;
      this.lastGood = snap;
    } else {
      // Restored from a bad snapshot or model file: there is no good state of it to return to.
      this.learner = fresh();
      this.lastGood = this.learner.snapshot();
      this.counts.rollbacks++;
      this.startedFresh = true;
    }
  }

  /** True when the learner given was non-finite and the guard started from a fresh one instead. */
  readonly startedFresh: boolean = false;

  get current(): Learner {
    return this.learner;
  }

  /**
   * Apply one example (or remove it); false when refused. `key` identifies
   * the update (decision and action) so a refused one is never unlearned.
   */
  apply(example: LearningExample, unlearn: boolean, key?: string): boolean {
    if (unlearn && key !== undefined && this.refusedIds.has(key)) return true;
    const clipped = this.clip(example);
    if (clipped === undefined) return this.refuse('non_finite_input', key);
    if (!this.step({ example: clipped, unlearn })) {
      this.rollback(this.since, true);
      return this.refuse(this.lastError ? 'learner_error' : 'non_finite_result', key);
    }
    this.since.push({ example: clipped, unlearn });
    if (this.since.length >= this.checkpointEvery) this.checkpoint();
    return true;
  }

  /**
   * Check the whole state now; roll back when any number is non-finite.
   * Returns true when the learner was (or is again) sound.
   */
  recover(): boolean {
    if (allFinite(this.learner.snapshot().state)) return true;
    this.rollback(this.since, false);
    return allFinite(this.learner.snapshot().state);
  }

  private lastError: unknown;

  /** Apply one update and score its action: false when that broke the model (or threw). */
  private step({ example, unlearn }: Applied): boolean {
    this.lastError = undefined;
    try {
      if (unlearn) this.learner.unlearn(example);
      else this.learner.learn(example);
      return scoresFinite(this.learner, example);
    } catch (err) {
      this.lastError = err;
      return false;
    }
  }

  private checkpoint(): void {
    const snap = this.learner.snapshot();
    if (allFinite(snap.state)) {
      this.lastGood = snap;
      this.since = [];
      return;
    }
    this.rollback(this.since, false);
  }

  /**
   * Restore the last good state and replay `updates` in order, each checked
   * as it goes; those that break the model again are dropped. When `verified`
   * is false the state after replay is checked as a whole, and if it is still
   * bad the replay is redone checking the whole state after each update.
   */
  private rollback(replay: readonly Applied[], verified: boolean): void {
    this.counts.rollbacks++;
    this.learner = restoreLearner(structuredClone(this.lastGood));
    const kept: Applied[] = [];
    for (const u of replay) {
      if (this.step(u)) kept.push(u);
      else this.learner = rebuild(this.lastGood, kept);
    }
    if (!verified && !allFinite(this.learner.snapshot().state)) {
      // The damage is somewhere the per-update score does not reach: replay
      // again checking the whole state after each (slow, and as rare as the
      // damage itself), keeping only what leaves it finite.
      this.learner = restoreLearner(structuredClone(this.lastGood));
      const again = kept.splice(0);
      for (const u of again) {
        if (this.step(u) && allFinite(this.learner.snapshot().state)) kept.push(u);
        else this.learner = rebuild(this.lastGood, kept);
      }
    }
    this.since = kept;
    this.onEvent?.({ kind: 'rollback', toUpdates: this.lastGood.updates, replayed: kept.length, dropped: replay.length - kept.length });
  }

  private refuse(reason: 'non_finite_input' | 'non_finite_result' | 'learner_error', key: string | undefined): false {
    this.counts.refused++;
    if (key !== undefined) {
      if (this.refusedIds.size >= 100_000) this.refusedIds.clear();
      this.refusedIds.add(key);
    }
    this.onEvent?.({ kind: 'refused', reason });
    return false;
  }

  /** The example within bounds, or undefined when it holds a non-finite number. */
  private clip(example: LearningExample): LearningExample | undefined {
    const { maxAbsFeature, maxAbsReward } = this.bounds;
    const context = clipFeatures(example.context, maxAbsFeature);
    const features = clipFeatures(example.action.features, maxAbsFeature);
    if (context === undefined || features === undefined) return undefined;
    const reward = clipNumber(example.reward, maxAbsReward);
    const previous = example.previousReward === undefined ? undefined : clipNumber(example.previousReward, maxAbsReward);
    if (reward === null || previous === null) return undefined;
    const featuresClipped = context !== example.context || features !== example.action.features;
    const rewardClipped = reward !== example.reward || (previous !== undefined && previous !== example.previousReward);
    if (featuresClipped) this.note('feature');
    if (rewardClipped) this.note('reward');
    if (!featuresClipped && !rewardClipped) return example;
    return {
      ...example,
      context,
      action: features === example.action.features ? example.action : { id: example.action.id, features },
      reward,
      ...(previous === undefined ? {} : { previousReward: previous }),
    };
  }

  private note(what: 'feature' | 'reward'): void {
    this.counts.clipped++;
    this.onEvent?.({ kind: 'clipped', what });
  }
}

/** Restore `snap` and replay `updates` (already known good) on it. */
function rebuild(snap: LearnerSnapshot, updates: readonly Applied[]): Learner {
  const learner = restoreLearner(structuredClone(snap));
  for (const { example, unlearn } of updates) {
    if (unlearn) learner.unlearn(example);
    else learner.learn(example);
  }
  return learner;
}

/** v within [-max, max]; null when v is not finite. */
function clipNumber(v: number, max: number): number | null {
  if (!Number.isFinite(v)) return null;
  return v > max ? max : v < -max ? -max : v;
}

/** The same object when nothing is beyond `max`; undefined when a value is not finite. */
function clipFeatures(f: Features, max: number): Features | undefined {
  let out: Record<string, number> | undefined;
  for (const name in f.numeric) {
    const v = f.numeric[name]!;
    if (!Number.isFinite(v)) return undefined;
    if (v > max || v < -max) {
      const clipped: Record<string, number> = out ?? { ...f.numeric };
      clipped[name] = v > 0 ? max : -max;
      out = clipped;
    }
  }
  return out ? { numeric: out, categorical: f.categorical } : f;
}

const scratchMean = new Float64Array(1);
const scratchWidth = new Float64Array(1);

/** The example's action scored in its context: both numbers finite? */
function scoresFinite(learner: Learner, example: LearningExample): boolean {
  learner.score(learner.prepare(example.context), [example.action], { mean: scratchMean, width: scratchWidth });
  return Number.isFinite(scratchMean[0]) && Number.isFinite(scratchWidth[0]);
}

/**
 * True when every number in a JSON-like value is finite. A non-finite number
 * would serialise as null, so null counts as non-finite too: learner
 * snapshots have no other use for it.
 */
export function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null) return false;
  if (typeof value !== 'object') return true;
  if (ArrayBuffer.isView(value)) {
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
    return true;
  }
  if (Array.isArray(value)) {
    for (const v of value) if (!allFinite(v)) return false;
    return true;
  }
  for (const k in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined && !allFinite(v)) return false;
  }
  return true;
}
