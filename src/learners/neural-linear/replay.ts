import type { Features } from '../../domain/features.js';

export interface ReplayEntry {
  /** Increasing per push: tells which entries a training job saw. */
  readonly seq: number;
  readonly context: Features;
  readonly actionId: string;
  reward: number;
}

/**
 * The most recent learned examples, bounded: the network's training set and
 * what the head is rebuilt from when a new network arrives. Rewards are kept
 * final: a correction rewrites its entry instead of adding one.
 */
export class ReplayBuffer {
  private entries: ReplayEntry[] = [];
  private nextSeq = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.length;
  }

  push(context: Features, actionId: string, reward: number): void {
    this.entries.push({ seq: this.nextSeq++, context, actionId, reward });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** Newest entry for this context, action and reward (a correction's or an unlearn's target). */
  find(context: Features, actionId: string, reward: number): ReplayEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.actionId === actionId && e.reward === reward && sameFeatures(e.context, context)) return e;
    }
    return undefined;
  }

  remove(entry: ReplayEntry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** Oldest first. */
  list(): readonly ReplayEntry[] {
    return this.entries;
  }
}

function sameRecord<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

function sameFeatures(a: Features, b: Features): boolean {
  return a === b || (sameRecord(a.numeric, b.numeric) && sameRecord(a.categorical, b.categorical));
}
