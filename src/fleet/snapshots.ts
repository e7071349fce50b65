import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LearnerSnapshot } from '../learners/learner.js';
import { restoreLearner } from '../learners/registry.js';
import { tactError } from '../core/errors.js';
import { allFinite } from '../policies/learner-guard.js';
import { Policy, PolicySet } from '../policies/policy-set.js';
import type { RedisStore } from '../store/redis/redis-store.js';
import { compareStreamIds } from '../store/redis/stream-id.js';

/**
 * Learner snapshots for a fleet. A snapshot is every policy's learner state
 * plus the stream id it includes; a new or restarted replica loads the
 * latest and replays the stream after that id, so it reaches the fleet's
 * state without replaying history. Any replica may save: the save script
 * keeps whichever includes more of the stream, and trims the stream behind
 * the snapshot it replaces (one spare generation).
 */
const SNAPSHOT_FORMAT = 'tact-fleet-snapshot/1';

const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  streamId: z.string().regex(/^\d+-\d+$/),
  at: z.number(),
  policies: z.record(z.string(), z.object({ kind: z.string(), updates: z.number(), state: z.unknown() })),
});

export type FleetSnapshot = z.infer<typeof snapshotSchema>;

/** Take a consistent snapshot: JS runs no stream batch while this runs. */
export function takeSnapshot(store: RedisStore, policies: PolicySet, at: number): FleetSnapshot {
  const out: Record<string, LearnerSnapshot> = {};
  for (const p of policies.all()) out[p.name] = p.learner.snapshot();
  return { format: SNAPSHOT_FORMAT, streamId: store.appliedStreamId, at, policies: out };
}

/**
 * The newest usable snapshot: Redis's newest, then the one it replaced (the
 * stream still holds every update after it), then the file (Redis lost
 * without persistence). A snapshot that fails validation (a non-finite
 * number, written as null, or a wrong shape) is reported and skipped, never
 * loaded: the replica starts from an older one and replays, instead of not
 * starting at all. None usable: undefined (start fresh, replay the stream).
 */
export async function loadSnapshot(
  store: RedisStore,
  file: string | undefined,
  logger: Pick<Logger, 'error'>,
): Promise<FleetSnapshot | undefined> {
  const candidates: { source: string; body: string }[] = (await store.loadSnapshots()).map((s, i) => ({
    source: i === 0 ? 'redis' : 'redis (previous)',
    body: s.body,
  }));
  if (file) {
    try {
      candidates.push({ source: file, body: await readFile(file, 'utf8') });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  for (const { source, body } of candidates) {
    try {
      return parseSnapshot(body);
    } catch (err) {
      logger.error({ err, source }, 'learner snapshot unusable; trying an older one');
    }
  }
  return undefined;
}

/** A snapshot, validated: the schema, and every number of every learner finite (SNAPSHOT_INVALID otherwise). */
export function parseSnapshot(body: string): FleetSnapshot {
  const snapshot = snapshotSchema.parse(JSON.parse(body));
  for (const [name, p] of Object.entries(snapshot.policies)) {
    if (!allFinite(p.state)) throw tactError('SNAPSHOT_INVALID', `policy ${name}: the learner state holds a non-finite number`);
  }
  return snapshot;
}

/**
 * The configured policies with their learners restored from a snapshot.
 * A policy whose learner kind changed since the snapshot starts fresh (and
 * is reported), because a snapshot of another kind cannot be replayed onto.
 */
export function restorePolicies(fresh: PolicySet, snapshot: FleetSnapshot, logger: Pick<Logger, 'warn'>): PolicySet {
  const policies = fresh.all().map((p) => {
    const saved = snapshot.policies[p.name];
    if (!saved) return p;
    if (saved.kind !== p.learner.kind) {
      logger.warn({ policy: p.name, saved: saved.kind, configured: p.learner.kind }, 'snapshot learner kind differs; policy starts fresh');
      return p;
    }
    try {
      return new Policy(p.config, restoreLearner(saved as LearnerSnapshot));
    } catch (err) {
      logger.warn({ err, policy: p.name }, 'snapshot learner cannot be restored; policy starts fresh');
      return p;
    }
  });
  return new PolicySet(policies, fresh.defaultName);
}

export interface SnapshotterOptions {
  readonly intervalMs: number;
  /** Also write the snapshot here (e.g. models/fleet-snapshot.json). */
  readonly file?: string;
}

/** Saves snapshots on a timer and once more on stop. */
export class Snapshotter {
  private readonly timer: NodeJS.Timeout;
  private lastSaved = '';
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: RedisStore,
    private readonly policies: PolicySet,
    private readonly logger: Pick<Logger, 'warn' | 'debug' | 'error'>,
    private readonly options: SnapshotterOptions,
  ) {
    this.timer = setInterval(() => void this.save(), options.intervalMs);
    this.timer.unref();
  }

  /** Save now unless nothing was applied since the last save. */
  save(): Promise<void> {
    this.running ??= this.saveOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.save();
  }

  private async saveOnce(): Promise<void> {
    const snapshot = takeSnapshot(this.store, this.policies, Date.now());
    if (snapshot.streamId === this.lastSaved || snapshot.streamId === '0-0') return;
    // Never written with a non-finite number: every replica would load it.
    const broken = Object.entries(snapshot.policies).filter(([, p]) => !allFinite(p.state));
    if (broken.length > 0) {
      this.logger.error({ policies: broken.map(([name]) => name) }, 'learner snapshot not saved: a learner is non-finite; rolling it back');
      for (const [name] of broken) this.policies.find(name)?.guard.recover();
      return;
    }
    try {
      // Every replica reaches the same stream id at about the same time:
      // only the first to get there uploads (hundreds of KB); the others
      // read the stored id and skip serialising and sending theirs.
      const upload = this.store.available && !(await this.storedIsAsNew(snapshot.streamId));
      if (!upload && !this.options.file) {
        this.lastSaved = snapshot.streamId;
        return;
      }
      const body = JSON.stringify(snapshot);
      if (upload) await this.store.saveSnapshot(snapshot.streamId, body);
      if (this.options.file) await writeAtomically(this.options.file, body);
      this.lastSaved = snapshot.streamId;
      this.logger.debug({ streamId: snapshot.streamId }, 'learner snapshot saved');
    } catch (err) {
      this.logger.warn({ err }, 'saving the learner snapshot failed; will retry');
    }
  }

  private async storedIsAsNew(streamId: string): Promise<boolean> {
    const stored = await this.store.snapshotStreamId();
    return stored !== undefined && compareStreamIds(stored, streamId) >= 0;
  }
}

async function writeAtomically(file: string, body: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}
