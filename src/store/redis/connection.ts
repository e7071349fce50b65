import { TactError } from '../../core/errors.js';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../core/errors.js';
import type { RedisClient } from './client.js';
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
    // Commands issued in one event-loop turn (a Decide's reads, 16 callers'
    // saves) leave in one socket write: the write syscalls, not Redis, were
    // most of Redis mode's cost per Decide (bench/fleet-throughput.ts).
    enableAutoPipelining: true,
    connectTimeout: connectTimeoutMs,
    // Keep trying for ever with a capped backoff: a replica outlives a Redis restart.
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
  };
}

/** Where the store's Redis is: one server (or a Sentinel-managed primary) by URL, or a cluster by seed nodes. */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | { readonly kind: 'cluster'; readonly seeds: string };

/**
 * Seed nodes of `--redis-cluster HOST:PORT[,HOST:PORT...]`. An entry may also
 * be a `redis://` or `rediss://` URL, which is how a password, an ACL user and
 * TLS are given, exactly as for `--redis`; they apply to every node.
 */
export interface ClusterSeeds {
  readonly nodes: { host: string; port: number }[];
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

export function parseClusterSeeds(spec: string): ClusterSeeds {
  const nodes: { host: string; port: number }[] = [];
  let username: string | undefined;
  let password: string | undefined;
  let tls = false;
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const url = new URL(raw.includes('://') ? raw : `redis://${raw}`);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TactError('invalid_argument', `cluster node "${raw}": only redis:// or rediss://`);
    const port = Number(url.port || 6379);
    if (!url.hostname || !Number.isInteger(port) || port <= 0 || port > 65535) throw new TactError('invalid_argument', `cluster node "${raw}" is not HOST:PORT`);
    nodes.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port });
    if (url.protocol === 'rediss:') tls = true;
    if (url.username) username = decodeURIComponent(url.username);
    if (url.password) password = decodeURIComponent(url.password);
  }
  if (nodes.length === 0) throw new TactError('invalid_argument', '--redis-cluster needs at least one HOST:PORT');
  return { nodes, tls, ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/**
 * The Cluster client with the single client's discipline: no offline queue,
 * no resend of a command whose connection closed mid-flight
 * (retryDelayOnFailover 0), and CLUSTERDOWN returned at once (so the buffer
 * takes over instead of the call hanging in ioredis' retry loop). MOVED and
 * ASK are followed by ioredis (the command did not run); so is TRYAGAIN,
 * up to `maxRedirections`.
 */
/**
 * Where a cluster connection sends read-only commands: "master", or
 * "replica" (a master's replica when it has one). The update stream is read
 * from replicas: an entry a reader has applied is then already on a replica,
 * so a master's crash cannot lose it after one replica applied it and before
 * another did (their learners would then apply updates in different orders).
 */
export type ReadFrom = 'master' | 'replica';

export function clusterOptions(seeds: ClusterSeeds, connectTimeoutMs: number, name: string, readFrom: ReadFrom = 'master'): ClusterOptions {
  const { retryStrategy: _retry, enableOfflineQueue: _queue, ...node } = connectionOptions(connectTimeoutMs);
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    // Not on a cluster: ioredis' cluster auto-pipelining computes slots and
    // builds a pipeline per node for every command, which cost more client
    // CPU than the socket writes it saves (engine in process, Decide+Reward
    // at 16 in flight, eight alternating runs each: 1.25 ms of client CPU per
    // pair with it, 1.07 ms without).
    enableAutoPipelining: false,
    scaleReads: readFrom === 'replica' ? 'slave' : 'master',
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshTimeout: connectTimeoutMs,
    // A slot map gone stale in a failover heals within seconds even if no
    // MOVED or closed connection tells the client (ioredis refreshes only on those).
    slotsRefreshInterval: 5000,
    clusterRetryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
    redisOptions: {
      ...node,
      connectionName: name,
      ...(seeds.username ? { username: seeds.username } : {}),
      ...(seeds.password ? { password: seeds.password } : {}),
      ...(seeds.tls ? { tls: {} } : {}),
    },
  };
}

/** Where a target is, for logs and errors (never a password). */
export function describeTarget(target: RedisTarget): string {
  if (target.kind === 'single') return redactUrl(target.url);
  return `cluster ${parseClusterSeeds(target.seeds).nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

/** Open a connection with the scripts defined; a clear error within `timeoutMs`, never a hang. */
export async function openConnection(target: RedisTarget | string, timeoutMs: number, name: string, readFrom: ReadFrom = 'master'): Promise<RedisClient> {
  const t: RedisTarget = typeof target === 'string' ? { kind: 'single', url: target } : target;
  let redis: RedisClient;
  if (t.kind === 'single') {
    redis = new Redis(t.url, { ...connectionOptions(timeoutMs), connectionName: name });
  } else {
    const seeds = parseClusterSeeds(t.seeds);
    redis = new Cluster(seeds.nodes, clusterOptions(seeds, timeoutMs, name, readFrom));
  }
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
    if (redis instanceof Cluster) await warmNodes(redis);
  } catch (err) {
    redis.disconnect();
    const cause = lastError ?? err;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new StoreUnavailableError(`cannot reach Redis at ${describeTarget(t)} within ${timeoutMs} ms: ${why}`, cause);
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
  return redis;
}

/**
 * ioredis opens a cluster node's connection on its first command, and
 * without an offline queue refuses the commands that arrive while it
 * connects: open every node's connection now, and each node's that the slot
 * map names later (after a failover) as soon as it appears. A PING goes
 * through the node's own queue. Hooking '+node' before the first connect
 * makes ioredis' own start-up hang now and then, hence after.
 */
async function warmNodes(cluster: Cluster): Promise<void> {
  await Promise.all(cluster.nodes('all').map((node) => node.ping()));
  cluster.on('+node', (node: Redis) => {
    node.ping().catch(() => undefined);
  });
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

/**
 * Failures that mean "Redis is not there right now" (the command did not
 * run, or its reply was lost): the buffer keeps the write. On a cluster that
 * includes a node failing over (CLUSTERDOWN, a slot without its master,
 * TRYAGAIN beyond the redirection limit), a client that lost its slot map,
 * and a MOVED/ASK ioredis did not follow itself (a pipeline whose other
 * replies succeeded, as XADD beside WAIT): the command did not run, so the
 * buffer's replay is safe.
 */
const CONNECTION_ERROR =
  /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request|MaxRetriesPerRequest|enableOfflineQueue|LOADING|CLUSTERDOWN|TRYAGAIN|Too many Cluster redirections|Cluster isn't ready|None of startup nodes|Failed to refresh slots cache|Cluster is ended|MASTERDOWN|READONLY|^(ReplyError|SimpleError): (MOVED|ASK) /i;

/** Connection-level failures become StoreUnavailableError; script and reply errors stay as they are. */
export function asStoreError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError) return err;
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return CONNECTION_ERROR.test(message) ? new StoreUnavailableError(`Redis unavailable: ${message}`, err) : err;
}
