import { openConnection, redactUrl } from '../store/redis/connection.js';
import { confirmDataLoss } from '../store/redis/integrity.js';
import { RedisKeys } from '../store/redis/keys.js';
import { processIo, runCommand, UsageError, type CommandIo } from './command.js';

export const CONFIRM_DATA_LOSS_USAGE = `usage: tact confirm-data-loss --redis URL [--redis-prefix PREFIX] [--show]

A fleet whose Redis lost its data (restarted without persistence, flushed)
stops every marketing send: a lost opt-out or cap must never turn into a send.
Once consent and caps are restored (or the loss is judged acceptable), this
command confirms it: replicas resume marketing sends within a few seconds.
--show prints the recorded loss and changes nothing.

  --redis URL            the fleet's Redis (env REDIS_URL)
  --redis-prefix PREFIX  the fleet's key prefix (default "tact", env TACT_REDIS_PREFIX)
  --show                 only show whether a data loss is recorded`;

/** \`tact confirm-data-loss\`: returns the exit code. */
export async function runConfirmDataLoss(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    redis: { type: 'string' },
    'redis-prefix': { type: 'string' },
    show: { type: 'boolean', default: false },
  } as const;
  return runCommand({ name: 'confirm-data-loss', usage: CONFIRM_DATA_LOSS_USAGE, options }, argv, io, async (parsed) => {
    const v = parsed.values;
    const url = v.redis ?? io.env?.['REDIS_URL'];
    if (!url) throw new UsageError('--redis URL (or REDIS_URL) is required');
    const keys = new RedisKeys(v['redis-prefix'] ?? io.env?.['TACT_REDIS_PREFIX'] ?? 'tact');
    const redis = await openConnection(url, 3000, 'tact-confirm');
    try {
      if (v.show) {
        const lost = await redis.get(keys.dataLost());
        io.stdout.write(lost === null ? 'no data loss recorded\n' : `data loss recorded: ${lost}\n`);
        return;
      }
      const loss = await confirmDataLoss(redis, keys);
      io.stdout.write(
        loss
          ? `confirmed the data loss of ${redactUrl(url)} prefix "${keys.prefix}" (${loss.reason}, detected ${new Date(loss.detectedAt).toISOString()} by ${loss.detectedBy}); marketing sends resume on every replica within seconds\n`
          : `no data loss is recorded for prefix "${keys.prefix}"; nothing to confirm\n`,
      );
    } finally {
      redis.disconnect();
    }
  });
}
