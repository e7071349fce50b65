import { systemClock } from '../core/clock.js';
import { notFound } from '../core/errors.js';
import { DeadLetters } from '../delivery/dead-letters.js';
import type { DeliveryJob } from '../delivery/delivery.js';
import { BullJobQueue, bullQueueNames, type BullTarget } from '../jobs/bullmq-job-queue.js';
import { openConnection, redactUrl } from '../store/redis/connection.js';
import { DELIVERY_QUEUE } from '../triggers/journeys.js';
import { parseNumber, processIo, runCommand, UsageError, type CommandIo } from './command.js';
import { journeyCluster, journeyQueuePrefix, type JourneyBackend } from './open-journeys.js';

/** The fleet's Redis or cluster, from the flags or the environment as serve reads them. */
function deadLetterBackend(url: string | undefined, cluster: string | undefined, env: Readonly<Record<string, string | undefined>>): Exclude<JourneyBackend, { kind: 'memory' }> {
  if (url && cluster) throw new UsageError('give --redis or --redis-cluster, not both');
  if (url) return { kind: 'redis', url };
  if (cluster) return { kind: 'cluster', seeds: cluster };
  if (env['REDIS_URL']) return { kind: 'redis', url: env['REDIS_URL'] };
  if (env['TACT_REDIS_CLUSTER']) return { kind: 'cluster', seeds: env['TACT_REDIS_CLUSTER'] };
  throw new UsageError('--redis URL or --redis-cluster SEEDS (or REDIS_URL, TACT_REDIS_CLUSTER) is required');
}

export const DEAD_LETTERS_USAGE = `usage: tact dead-letters list [--limit N] [--json] (--redis URL | --redis-cluster SEEDS) [--redis-prefix PREFIX]
       tact dead-letters replay (ID... | --all) (--redis URL | --redis-cluster SEEDS) [--redis-prefix PREFIX]

Sends that failed their last attempt stay in their channel's queue (BullMQ's
failed set, Redis mode). "list" shows them, newest first per channel: id
(the webhook-id), channel, customer, message, attempts, error. "replay" puts
them back in their queue from the first attempt, with the same webhook-id
(receivers deduplicate by it); a running replica sends them, checking
consent and caps again first.

  --redis URL            the fleet's Redis (env REDIS_URL)
  --redis-cluster SEEDS  the fleet's Redis Cluster, HOST:PORT[,HOST:PORT...] (env TACT_REDIS_CLUSTER)
  --redis-prefix PREFIX  the fleet's key prefix (default "tact", env TACT_REDIS_PREFIX)
  --limit N              list at most N (default 100)
  --json                 one JSON object per line
  --all                  replay every dead letter`;

/** Only lists and moves failed jobs: never adds or runs one. */
const READ_ONLY = { maxAttempts: 1, backoffMs: () => 0, concurrency: 1, ratePerSecond: 0 };
/** Lock of a queue handle that never runs a job. */
const NO_LOCK_MS = 30_000;

/** \`tact dead-letters\`: returns the exit code. */
export async function runDeadLetters(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    redis: { type: 'string' },
    'redis-cluster': { type: 'string' },
    'redis-prefix': { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
  } as const;
  const spec = { name: 'dead-letters', usage: DEAD_LETTERS_USAGE, options, allowPositionals: true } as const;
  return runCommand(spec, argv, io, async ({ values: v, positionals }) => {
    const [action, ...ids] = positionals;
    if (action !== 'list' && action !== 'replay') throw new UsageError('say "list" or "replay"');
    if (action === 'list' && ids.length > 0) throw new UsageError('"list" takes no ids');
    if (action === 'replay' && ids.length === 0 && !v.all) throw new UsageError('"replay" needs dead-letter ids or --all');
    const backend = deadLetterBackend(v.redis, v['redis-cluster'], io.env ?? {});
    const limit = parseNumber('limit', v.limit, (x) => Number.isInteger(x) && x > 0, 'expected a positive integer') ?? 100;
    const prefix = journeyQueuePrefix(backend, v['redis-prefix'] ?? io.env?.['TACT_REDIS_PREFIX'] ?? 'tact');
    const where = backend.kind === 'redis' ? redactUrl(backend.url) : `cluster ${backend.seeds}`;
    const target: BullTarget = backend.kind === 'redis' ? { url: backend.url } : { cluster: (worker) => journeyCluster(backend.seeds, worker) };
    const redis = await openConnection(backend.kind === 'redis' ? backend.url : { kind: 'cluster', seeds: backend.seeds }, 3000, 'tact-dead-letters');
    const queues = new Map<string, BullJobQueue<DeliveryJob>>();
    try {
      for (const name of await bullQueueNames(redis, prefix, DELIVERY_QUEUE)) {
        queues.set(name.slice(DELIVERY_QUEUE.length), new BullJobQueue<DeliveryJob>(name, READ_ONLY, { target, prefix, lockMs: NO_LOCK_MS }, systemClock));
      }
      const letters = new DeadLetters(() => [...queues.keys()], (c) => queues.get(c) as BullJobQueue<DeliveryJob>);
      if (action === 'list') {
        const list = await letters.list(limit);
        for (const d of list) {
          const row = { id: d.id, channel: d.channel, customer_id: d.data.customerId, message_id: d.data.messageId, decision_id: d.data.decisionId, attempts: d.attempts, failed_at: new Date(d.failedAt).toISOString(), error: d.error };
          io.stdout.write(v.json ? `${JSON.stringify(row)}\n` : `${row.id}  ${row.channel}  ${row.customer_id}  ${row.message_id}  attempts=${row.attempts}  ${row.failed_at}  ${row.error}\n`);
        }
        if (!v.json) io.stderr.write(`${list.length} dead letter(s) in ${where} prefix "${prefix}"\n`);
        return;
      }
      const targets = v.all ? (await letters.list(Number.MAX_SAFE_INTEGER)).map((d) => d.id) : ids;
      const missing: string[] = [];
      for (const id of targets) {
        if (await letters.replay(id)) io.stdout.write(`replayed ${id}\n`);
        else missing.push(id);
      }
      if (missing.length > 0) throw notFound('id', `no dead letter ${missing.map((m) => `"${m}"`).join(', ')} in prefix "${prefix}"`);
    } finally {
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
    }
  });
}
