import type { Clock } from '../core/clock.js';
import { MinHeap } from '../core/min-heap.js';
import type { DeadLetter, JobHandler, JobQueue, NewJob, QueueOptions } from './job-queue.js';

/** Wakes the queue at a time; absent in fake-clock tests, which call runDue() themselves. */
export interface Wakeups {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realWakeups: Wakeups = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Entry<T> {
  readonly id: string;
  readonly data: T;
  runAt: number;
  attempt: number;
  /** Bumped on every (re)schedule, so stale heap entries are skipped. */
  version: number;
  running: boolean;
}

/** Longest single timer: setTimeout overflows past 2^31 - 1 ms (24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * In-process job queue on an injected clock. Pending jobs live in this
 * process only: a crash or kill loses every timer and pending delivery (what
 * memory mode documents); a graceful stop leaves them unrun too. Redis mode
 * (bullmq-job-queue.ts) keeps them.
 */
export class MemoryJobQueue<T> implements JobQueue<T> {
  private readonly jobs = new Map<string, Entry<T>>();
  private readonly heap = new MinHeap<{ id: string; version: number }>();
  private readonly dead = new Map<string, DeadLetter<T>>();
  /** Completed ids still refusing an add, until when; in completion order, so the oldest come first. */
  private readonly done = new Map<string, number>();
  private handler: JobHandler<T> | undefined;
  private running = 0;
  private readonly starts: number[] = [];
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  /** Source of entry versions, unique across re-adds of one id. */
  private seq = 0;

  constructor(
    readonly name: string,
    private readonly options: QueueOptions,
    private readonly clock: Clock,
    private readonly wakeups?: Wakeups,
  ) {}

  async add(job: NewJob<T>): Promise<boolean> {
    if (this.jobs.has(job.id) || (this.done.get(job.id) ?? 0) > this.clock.now()) return false;
    const entry: Entry<T> = { id: job.id, data: job.data, runAt: job.runAt, attempt: 1, version: ++this.seq, running: false };
    this.jobs.set(job.id, entry);
    this.push(entry);
    return true;
  }

  async remove(id: string): Promise<boolean> {
    const entry = this.jobs.get(id);
    if (!entry || entry.running) return false;
    this.jobs.delete(id);
    return true;
  }

  process(handler: JobHandler<T>): void {
    this.handler = handler;
    this.arm();
  }

  async deadLetters(limit = 100): Promise<DeadLetter<T>[]> {
    return [...this.dead.values()].slice(0, limit);
  }

  async replay(id: string): Promise<boolean> {
    const letter = this.dead.get(id);
    if (!letter || this.jobs.has(id)) return false;
    this.dead.delete(id);
    return this.add({ id, data: letter.data, runAt: this.clock.now() });
  }

  async pendingCount(): Promise<number> {
    return this.jobs.size;
  }

  /**
   * Start every job due by now (within concurrency and the rate limit) and
   * wait for them; returns how many ran. Fake-clock tests call it after
   * moving the clock; real time calls it from a timer.
   */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const started = this.startDue();
      if (started === 0) {
        if (this.inFlight.size === 0) break;
        await Promise.race(this.inFlight);
        continue;
      }
      ran += started;
    }
    this.arm();
    return ran;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.wakeups?.clearTimeout(this.timer);
    await Promise.all(this.inFlight);
  }

  private push(entry: Entry<T>): void {
    this.heap.push(entry.runAt, { id: entry.id, version: entry.version });
    if (entry.runAt < this.timerAt) this.arm();
  }

  /** Start due jobs up to the limits; returns how many started. */
  private startDue(): number {
    if (!this.handler || this.closed) return 0;
    const now = this.clock.now();
    let started = 0;
    while (this.running < this.options.concurrency) {
      const key = this.heap.peekKey();
      if (key === undefined || key > now) break;
      const top = this.heap.pop() as { id: string; version: number };
      const entry = this.jobs.get(top.id);
      if (!entry || entry.version !== top.version || entry.running) continue;
      const delay = this.rateDelay(now);
      if (delay > 0) {
        entry.runAt = now + delay;
        entry.version = ++this.seq;
        this.push(entry);
        break;
      }
      this.start(entry, now);
      started++;
    }
    return started;
  }

  /** ms until another start fits the rate limit (sliding one-second window). */
  private rateDelay(now: number): number {
    const rate = this.options.ratePerSecond;
    if (rate <= 0) return 0;
    while (this.starts.length > 0 && (this.starts[0] as number) <= now - 1000) this.starts.shift();
    return this.starts.length < rate ? 0 : (this.starts[0] as number) + 1000 - now;
  }

  private start(entry: Entry<T>, now: number): void {
    entry.running = true;
    this.running++;
    if (this.options.ratePerSecond > 0) this.starts.push(now);
    const handler = this.handler as JobHandler<T>;
    const p = handler({ id: entry.id, data: entry.data, attempt: entry.attempt })
      .then(
        () => {
          this.jobs.delete(entry.id);
          this.remember(entry.id);
        },
        (err: unknown) => this.failed(entry, err),
      )
      .finally(() => {
        entry.running = false;
        this.running--;
        this.inFlight.delete(p);
        if (this.wakeups) void this.runDue();
      });
    this.inFlight.add(p);
  }

  private remember(id: string): void {
    const keep = this.options.rememberDoneMs ?? 0;
    if (keep <= 0) return;
    const now = this.clock.now();
    for (const [old, until] of this.done) {
      if (until > now) break;
      this.done.delete(old);
    }
    this.done.delete(id);
    this.done.set(id, now + keep);
  }

  private failed(entry: Entry<T>, err: unknown): void {
    if (entry.attempt >= this.options.maxAttempts) {
      this.jobs.delete(entry.id);
      this.dead.set(entry.id, {
        id: entry.id,
        data: entry.data,
        attempts: entry.attempt,
        error: err instanceof Error ? err.message : String(err),
        failedAt: this.clock.now(),
      });
      return;
    }
    entry.runAt = this.clock.now() + this.options.backoffMs(entry.attempt);
    entry.attempt++;
    entry.version = ++this.seq;
    this.push(entry);
  }

  /** Real time only: one timer for the earliest due job. */
  private arm(): void {
    if (!this.wakeups || !this.handler || this.closed) return;
    const next = this.heap.peekKey();
    if (this.timer !== undefined) this.wakeups.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next ?? Number.POSITIVE_INFINITY;
    if (next === undefined) return;
    const ms = Math.min(MAX_TIMER_MS, Math.max(0, next - this.clock.now()));
    this.timer = this.wakeups.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.runDue();
    }, ms);
  }
}

/** Memory queues made by one factory, so a fake-clock test can run everything due at once. */
export class MemoryQueues {
  private readonly made: MemoryJobQueue<unknown>[] = [];
  constructor(
    private readonly clock: Clock,
    private readonly wakeups?: Wakeups,
  ) {}

  readonly create = <T>(name: string, options: QueueOptions): JobQueue<T> => {
    const q = new MemoryJobQueue<T>(name, options, this.clock, this.wakeups);
    this.made.push(q as MemoryJobQueue<unknown>);
    return q;
  };

  /** Run every job due by now in every queue, including jobs that due jobs add; returns how many ran. */
  async runDue(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 1000; round++) {
      let ran = 0;
      for (const q of this.made) ran += await q.runDue();
      total += ran;
      if (ran === 0) break;
    }
    return total;
  }
}
