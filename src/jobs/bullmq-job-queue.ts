import { Queue, Worker, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import type { DeadLetter, JobHandler, JobQueue, NewJob, QueueOptions } from './job-queue.js';

/**
 * Where the queues live: one Redis by URL, or a Redis Cluster through a
 * client made per use (`worker`: for a Worker, which needs
 * maxRetriesPerRequest null). On a cluster the prefix must be a hash tag
 * (`{...}`): BullMQ's scripts touch several keys of a queue at once.
 */
export type BullTarget = { readonly url: string } | { readonly cluster: (worker: boolean) => Cluster };

export interface BullSettings {
  readonly target: BullTarget;
  /** Key prefix of every queue key: `<prefix>:<queue>:...`. */
  readonly prefix: string;
  /**
   * A running job's lock; when its replica dies (kill -9) the lock lapses
   * and another replica takes the job over at its next stalled check.
   */
  readonly lockMs: number;
}

/**
 * The job queue on BullMQ: delayed jobs in Redis, so timers and pending
 * sends survive a replica's crash; a job id is the dedupe key; a job runs on
 * one replica at a time under a lock, and a dead replica's jobs are taken
 * over when its lock lapses; retries back off with our jittered schedule;
 * jobs out of attempts stay in BullMQ's failed set: the dead-letter list.
 * Completed jobs are removed at once, so an id can be used again, unless
 * the queue remembers them (rememberDoneMs).
 */
export class BullJobQueue<T> implements JobQueue<T> {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  /** Cluster clients made for this queue: BullMQ leaves a client it was given open. */
  private readonly owned: Cluster[] = [];

  constructor(
    readonly name: string,
    private readonly options: QueueOptions,
    private readonly settings: BullSettings,
    private readonly clock: Clock,
  ) {
    this.queue = new Queue(name, { connection: this.connection(false), prefix: settings.prefix });
    // Connection errors surface on the calls that fail; unheard, an 'error' event would end the process.
    this.queue.on('error', () => undefined);
  }

  private connection(worker: boolean): { url: string; maxRetriesPerRequest?: null } | Cluster {
    const t = this.settings.target;
    if ('url' in t) return worker ? { url: t.url, maxRetriesPerRequest: null } : { url: t.url };
    const client = t.cluster(worker);
    this.owned.push(client);
    return client;
  }

  async add(job: NewJob<T>): Promise<boolean> {
    // BullMQ ignores an add whose id exists; asking first tells the caller which it was.
    if (await this.queue.getJob(job.id)) return false;
    await this.queue.add('job', job.data, {
      jobId: job.id,
      delay: Math.max(0, job.runAt - this.clock.now()),
      attempts: this.options.maxAttempts,
      backoff: { type: 'tact' },
      removeOnComplete: this.options.rememberDoneMs ? { age: Math.ceil(this.options.rememberDoneMs / 1000) } : true,
      removeOnFail: false,
    });
    return true;
  }

  async remove(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job || (await job.isFailed()) || (await job.isCompleted())) return false;
    return (await this.queue.remove(id)) === 1;
  }

  process(handler: JobHandler<T>): void {
    const { options, settings } = this;
    this.worker = new Worker(
      this.name,
      async (job: Job) => handler({ id: job.id as string, data: job.data as T, attempt: job.attemptsMade + 1 }),
      {
        connection: this.connection(true),
        prefix: settings.prefix,
        concurrency: options.concurrency,
        lockDuration: settings.lockMs,
        stalledInterval: Math.max(500, Math.floor(settings.lockMs / 2)),
        // A replica killed while running a job stalls it once; more than a few times is a poison job.
        maxStalledCount: 3,
        ...(options.ratePerSecond > 0 ? { limiter: { max: options.ratePerSecond, duration: 1000 } } : {}),
        settings: { backoffStrategy: (attemptsMade: number) => options.backoffMs(attemptsMade) },
      },
    );
    // Errors of the worker's own Redis calls: BullMQ retries them; without a listener Node would throw.
    this.worker.on('error', () => undefined);
  }

  async deadLetters(limit = 100): Promise<DeadLetter<T>[]> {
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.map((j) => ({
      id: j.id as string,
      data: j.data as T,
      attempts: j.attemptsMade,
      error: j.failedReason,
      failedAt: j.finishedOn ?? 0,
    }));
  }

  async replay(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  async pendingCount(): Promise<number> {
    const c = await this.queue.getJobCounts('wait', 'delayed', 'active', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  async deadLetterCount(): Promise<number> {
    return this.queue.getFailedCount();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const c of this.owned) c.disconnect();
  }
}

/**
 * Names of the queues under `prefix` whose names start with `startsWith`,
 * found by their BullMQ meta key, so an operator tool sees every queue the
 * fleet ever made (a channel since removed from the catalog included).
 */
export async function bullQueueNames(redis: Redis | Cluster, prefix: string, startsWith: string): Promise<string[]> {
  const names = new Set<string>();
  // A cluster's SCAN answers for one node's slots only: ask every master.
  const nodes: Redis[] = 'nodes' in redis && redis.isCluster ? redis.nodes('master') : [redis as Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:${startsWith}*:meta`, 'COUNT', 1000);
      for (const k of keys) names.add(k.slice(prefix.length + 1, -':meta'.length));
      cursor = next;
    } while (cursor !== '0');
  }
  return [...names].sort();
}
