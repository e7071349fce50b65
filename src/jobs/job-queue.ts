/**
 * Work that must happen later, once: trigger timers and pending deliveries.
 * One port, two adapters: memory (one process; a crash loses what is
 * pending) and BullMQ on Redis (delayed jobs that survive a replica's kill -9
 * and run on exactly one replica at a time). Tests drive the memory adapter
 * on a fake clock.
 */

export interface NewJob<T> {
  /**
   * Dedupe key: adding a job whose id is already pending (waiting, delayed or
   * running) does nothing. Letters, digits and "|%._-" only (see jobId).
   */
  readonly id: string;
  /** When the job is due (ms since epoch); in the past means at once. */
  readonly runAt: number;
  readonly data: T;
}

export interface RunningJob<T> {
  readonly id: string;
  readonly data: T;
  /** 1 on the first run. */
  readonly attempt: number;
}

/** A job that failed its last attempt: kept until replayed or dropped. */
export interface DeadLetter<T> {
  readonly id: string;
  readonly data: T;
  readonly attempts: number;
  readonly error: string;
  /** ms since epoch. */
  readonly failedAt: number;
}

export interface QueueOptions {
  /** Runs before a job is dead-lettered; 1 = no retry. */
  readonly maxAttempts: number;
  /** Delay before attempt `attempt + 1` after attempt `attempt` failed, ms (backoff with jitter). */
  readonly backoffMs: (attempt: number) => number;
  /** Jobs run at once by this process. */
  readonly concurrency: number;
  /** At most this many job starts per second across the queue (BullMQ: across the fleet); 0 = unlimited. */
  readonly ratePerSecond: number;
  /**
   * A completed job's id still refuses an add this long, so a producer that
   * is itself retried after a crash (a timer whose replica died after it
   * queued its send) cannot run the job a second time. 0 or absent: the id
   * may be used again at once (a delay trigger's next entry reuses it).
   */
  readonly rememberDoneMs?: number;
}

export type JobHandler<T> = (job: RunningJob<T>) => Promise<void>;

export interface JobQueue<T> {
  readonly name: string;
  /** True when the job was added, false when its id was already pending. */
  add(job: NewJob<T>): Promise<boolean>;
  /** Remove a pending job before it runs; false when there was none (or it is running). */
  remove(id: string): Promise<boolean>;
  /** Start running due jobs with this handler; a throw is a failed attempt. */
  process(handler: JobHandler<T>): void;
  deadLetters(limit?: number): Promise<DeadLetter<T>[]>;
  /** Run a dead letter again from its first attempt; false when there is no such dead letter. */
  replay(id: string): Promise<boolean>;
  pendingCount(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A job id from parts: each part percent-encoded and joined by "|", so any
 * customer or action id is safe (BullMQ refuses ":" in ids) and the id still
 * reads well in a dead-letter listing.
 */
export function jobId(...parts: readonly string[]): string {
  return parts.map((p) => encodeURIComponent(p)).join('|');
}

/**
 * The longest a job can keep being retried: every backoff step at its
 * largest, plus one lock period for a replica killed mid-run.
 */
export function retryHorizonMs(maxAttempts: number, baseMs: number, maxMs: number, lockMs: number): number {
  let total = lockMs;
  for (let n = 1; n < maxAttempts; n++) total += Math.min(maxMs, baseMs * 2 ** (n - 1));
  return total;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog): attempt n
 * waits a uniform time in [base * 2^(n-1) / 2, base * 2^(n-1)], capped. The
 * jitter spreads retries of many failed sends so a recovering receiver is not
 * hit by all of them at once; keeping half the step keeps the growth.
 */
export function exponentialBackoff(baseMs: number, maxMs: number, random: () => number): (attempt: number) => number {
  return (attempt) => {
    const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(step / 2 + (random() * step) / 2);
  };
}
