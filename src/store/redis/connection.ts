import { Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../core/errors.js';
import { defineScripts } from './scripts.js';

/**
 * Connection settings for a store that must degrade, not hang: no offline
 * queue and no automatic resend, so a command fails at once while Redis is
 * down and the buffer (buffer.ts) decides what to keep. Resending a command
 * whose reply was lost could apply a reward twice.
 */
export function connectionOptions(connectTimeoutMs: number): RedisOptions {
  return {
    protocol: 2,
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: connectTimeoutMs,
    // Keep trying for ever with a capped backoff: a replica outlives a Redis restart.
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
  };
}

/** Open a connection with the scripts defined; a clear error within `timeoutMs`, never a hang. */
export async function openConnection(url: string, timeoutMs: number, name: string): Promise<Redis> {
  const redis = new Redis(url, { ...connectionOptions(timeoutMs), connectionName: name });
  defineScripts(redis);
  let lastError: unknown;
  const onError = (err: unknown) => {
    lastError = err;
  };
  redis.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const cause = lastError ?? err;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new StoreUnavailableError(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs} ms: ${why}`, cause);
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
  return redis;
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

const CONNECTION_ERROR =
  /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request|MaxRetriesPerRequest|enableOfflineQueue|LOADING/i;

/** Connection-level failures become StoreUnavailableError; script and reply errors stay as they are. */
export function asStoreError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return CONNECTION_ERROR.test(message) ? new StoreUnavailableError(`Redis unavailable: ${message}`, err) : err;
}
