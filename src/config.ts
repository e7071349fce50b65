import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TactError } from './core/errors.js';
import { MODELS_DIR } from './core/paths.js';
import { formatZodError } from './core/zod-errors.js';

/** A boolean from a flag (true) or the environment ("1", "true", "0", "false"). */
const envBoolean = z.union([z.boolean(), z.enum(['1', 'true', '0', 'false'])]).transform((v) => v === true || v === '1' || v === 'true');

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT');

/**
 * Server configuration. Sources, later wins: defaults < `--config` file (YAML)
 * < environment (TACT_*, REDIS_URL) < command-line flags.
 */
export const configSchema = z.object({
  /** gRPC address. @defaultValue "127.0.0.1:50051" */
  listen: hostPort.default('127.0.0.1:50051'),
  /** Prometheus /metrics address. @defaultValue "127.0.0.1:9464" */
  metricsListen: hostPort.default('127.0.0.1:9464'),
  /** Catalog YAML; `tact serve` reloads it when the file changes (an invalid file is rejected, logged and counted). @defaultValue models/catalog.yaml */
  catalog: z.string().default(path.join(MODELS_DIR, 'catalog.yaml')),
  /** Policies YAML; unset means the embedded default policy. */
  policies: z.string().optional(),
  /** Redis URL; unset means in-memory state. */
  redisUrl: z.string().url().optional(),
  /**
   * Redis Cluster seed nodes, "HOST:PORT[,HOST:PORT...]"; an entry may be a
   * redis:// or rediss:// URL to give a password, ACL user or TLS (as for
   * --redis). Unset means no cluster; not together with --redis.
   */
  redisCluster: z.string().min(1).optional(),
  /** Prefix of every Redis key (several fleets can share one Redis). @defaultValue "tact" */
  redisPrefix: z.string().regex(/^[^{}\s]+$/, 'no braces or spaces').default('tact'),
  /** Startup fails with a clear error when Redis is not reachable within this, ms. @defaultValue 3000 */
  redisConnectTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Writes held while Redis is down; beyond it they are refused and counted. @defaultValue 100000 */
  redisBufferMax: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  /** Channels whose caps fail closed while Redis is down (comma list); others use local caps. @defaultValue "sms" */
  capsFailClosed: z.string().default('sms'),
  /** Health while Redis is down: keep SERVING (local model) or report NOT_SERVING. @defaultValue "serving" */
  redisDownHealth: z.enum(['serving', 'not_serving']).default('serving'),
  /**
   * The learning ledger (what ForgetCustomer unlearns) keeps a customer's updates this long, ms; the
   * Redis ledger key expires after it. A forget unlearns exactly the updates within it; older ones stay
   * folded into the model (docs/operations.md, "Memory bounds"). @defaultValue 7776000000 (90 days)
   */
  ledgerRetentionMs: z.coerce.number().int().min(60_000).max(3650 * 86_400_000).default(90 * 86_400_000),
  /** Most ledger entries kept per customer (the latest). @defaultValue 256 */
  ledgerMaxPerCustomer: z.coerce.number().int().min(1).max(100_000).default(256),
  /** Memory mode: customers held (state and ledger); the least recently active is evicted beyond it (refusals are kept). @defaultValue 1000000 */
  memoryMaxCustomers: z.coerce.number().int().min(1).max(1_000_000_000).default(1_000_000),
  /** Memory mode: decisions held in their window; beyond it the one closest to its window's end is closed early (default reward). @defaultValue 1000000 */
  memoryMaxDecisions: z.coerce.number().int().min(1).max(1_000_000_000).default(1_000_000),
  /** How often a fleet replica saves learner snapshots, ms. @defaultValue 30000 */
  snapshotIntervalMs: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
  /** Also write fleet snapshots to this file (e.g. models/fleet-snapshot.json). */
  snapshotFile: z.string().optional(),
  /** Decision log (JSON lines) for offline evaluation; unset means none. */
  decisionLog: z.string().optional(),
  /** The decision log's written segment rotates at this size, bytes (numbered <file>.1 newest .. <file>.N). @defaultValue 134217728 (128 MiB) */
  decisionLogMaxBytes: z.coerce.number().int().min(1024).max(2 ** 45).default(128 * 1024 * 1024),
  /** The decision log's written segment also rotates once it is this old, ms (e.g. 86400000: a segment a day); 0 rotates by size only. @defaultValue 0 */
  decisionLogMaxAgeMs: z.coerce.number().int().min(0).max(366 * 86_400_000).default(0),
  /** Rotated decision log segments kept; older ones are deleted. @defaultValue 8 */
  decisionLogKeep: z.coerce.number().int().min(0).max(10_000).default(8),
  /**
   * A forgotten customer's decision log lines are gone from every segment within this, ms (one compaction for every
   * forget since the last; export and evaluate skip them meanwhile). @defaultValue 3600000
   */
  decisionLogEraseDeadlineMs: z.coerce.number().int().min(0).max(30 * 86_400_000).default(3_600_000),
  /** Seed mixed into every decision's sampling; unset means random per process. */
  seed: z.coerce.number().int().min(0).max(0xffffffff).optional(),
  /** How often attribution windows are closed, and segment memberships due by time alone are checked, ms. @defaultValue 1000 */
  sweepIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Grace period for in-flight calls on SIGTERM, ms; then they are cancelled. @defaultValue 10000 */
  shutdownGraceMs: z.coerce.number().int().min(0).max(300_000).default(10_000),
  /** A RewardStream with no reward for this long is ended with its summary, ms. @defaultValue 60000 */
  rewardStreamIdleMs: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** RewardStreams open at once; one more gets RESOURCE_EXHAUSTED. @defaultValue 256 */
  rewardStreamMax: z.coerce.number().int().min(1).max(100_000).default(256),
  /** Standard Webhooks endpoint for every channel without its own sink (catalog `channels[].delivery`); unset: due sends are logged and counted. */
  webhookUrl: z.string().url().optional(),
  /** Signing secret for webhooks, "whsec_" + base64 key (Standard Webhooks). */
  webhookSecret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{22,}$/, 'expected whsec_ followed by a base64 key of 16 bytes or more').optional(),
  /** Attempts per send before it is dead-lettered (per channel: catalog delivery.max_attempts). @defaultValue 8 */
  deliveryMaxAttempts: z.coerce.number().int().min(1).max(100).default(8),
  /** First retry delay, ms; doubles per attempt (with jitter) up to 1 hour. @defaultValue 1000 */
  deliveryBackoffMs: z.coerce.number().int().min(1).max(3_600_000).default(1000),
  /** Sends in flight at once per channel and replica (per channel: catalog delivery.concurrency). @defaultValue 8 */
  deliveryConcurrency: z.coerce.number().int().min(1).max(1000).default(8),
  /** Redis mode: a running trigger or send, or a campaign's chunk, is locked this long; a replica killed mid-job has its jobs taken over after it, ms. @defaultValue 30000 */
  journeyLockMs: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Timeout of one webhook attempt, ms. @defaultValue 10000 */
  webhookTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * Refuse to start when Redis would lose consent and caps on a restart (no AOF);
   * the default only warns. @defaultValue false
   */
  requireRedisPersistence: z.preprocess((v) => (typeof v === 'string' ? /^(1|true|yes|on)$/i.test(v) : v), z.boolean()).default(false),
  /** How far ahead of the server's clock a Decide `at` or an event time may be, ms; past times are always accepted. @defaultValue 300000 */
  maxFutureSkewMs: z.coerce.number().int().min(0).max(400 * 86_400_000).default(300_000),
  /** pino log level. @defaultValue "info" */
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // Security (docs/security.md). Without auth or TLS, Tact listens on loopback only (protected mode).
  /** PolicyAdmin (and reflection) on their own gRPC address; unset means PolicyAdmin is not served. */
  adminListen: hostPort.optional(),
  /** Server certificate (PEM) for TLS on the gRPC ports; re-read when it changes. */
  tlsCert: z.string().optional(),
  /** Private key (PEM) of --tls-cert. */
  tlsKey: z.string().optional(),
  /** CA (PEM) that must sign every client's certificate (mutual TLS). */
  tlsClientCa: z.string().optional(),
  /** Serve /metrics over HTTPS with the same certificate (and client CA). @defaultValue false */
  metricsTls: envBoolean.default(false),
  /** How often certificate, token and JWKS files are read again, ms (0: never). @defaultValue 5000 */
  credentialsReloadMs: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  /** YAML file of callers: tokens: [{ name, sha256, scopes }]. */
  authTokens: z.string().optional(),
  /** JWKS file (JSON) whose keys verify JWT callers. */
  authJwks: z.string().optional(),
  /** Required `iss` of JWTs. */
  authJwtIssuer: z.string().optional(),
  /** Required `aud` of JWTs. */
  authJwtAudience: z.string().optional(),
  /** JWT claim holding the scopes (space-separated string or array). @defaultValue "scope" */
  authJwtScopesClaim: z.string().min(1).default('scope'),
  /** Listen beyond loopback with neither auth nor TLS (protected mode off). @defaultValue false */
  insecure: envBoolean.default(false),
});

export type TactConfig = z.infer<typeof configSchema>;

/** How a setting may be given besides a --config file: its flag and its environment variable. */
export interface SettingSource {
  /** Command-line flag without the dashes; a setting whose default is a boolean is a switch. */
  readonly flag?: string;
  readonly env?: string;
}

/**
 * Every setting's flag and environment variable, in one table: the parser
 * (loadConfig), `tact serve --help` and docs/configuration.md all read it, so
 * a flag cannot be documented under one name and parsed under another.
 */
export const SETTING_SOURCES = {
  listen: { flag: 'listen', env: 'TACT_LISTEN' },
  metricsListen: { flag: 'metrics-listen', env: 'TACT_METRICS_LISTEN' },
  catalog: { flag: 'catalog', env: 'TACT_CATALOG' },
  policies: { flag: 'policies', env: 'TACT_POLICIES' },
  redisUrl: { flag: 'redis', env: 'REDIS_URL' },
  redisCluster: { flag: 'redis-cluster', env: 'TACT_REDIS_CLUSTER' },
  redisPrefix: { flag: 'redis-prefix', env: 'TACT_REDIS_PREFIX' },
  redisConnectTimeoutMs: { env: 'TACT_REDIS_CONNECT_TIMEOUT_MS' },
  redisBufferMax: { env: 'TACT_REDIS_BUFFER_MAX' },
  capsFailClosed: { env: 'TACT_CAPS_FAIL_CLOSED' },
  redisDownHealth: { env: 'TACT_REDIS_DOWN_HEALTH' },
  ledgerRetentionMs: { env: 'TACT_LEDGER_RETENTION_MS' },
  ledgerMaxPerCustomer: { env: 'TACT_LEDGER_MAX_PER_CUSTOMER' },
  memoryMaxCustomers: { env: 'TACT_MEMORY_MAX_CUSTOMERS' },
  memoryMaxDecisions: { env: 'TACT_MEMORY_MAX_DECISIONS' },
  snapshotIntervalMs: { env: 'TACT_SNAPSHOT_INTERVAL_MS' },
  snapshotFile: { env: 'TACT_SNAPSHOT_FILE' },
  decisionLog: { flag: 'decision-log', env: 'TACT_DECISION_LOG' },
  decisionLogMaxBytes: { env: 'TACT_DECISION_LOG_MAX_BYTES' },
  decisionLogMaxAgeMs: { env: 'TACT_DECISION_LOG_MAX_AGE_MS' },
  decisionLogKeep: { env: 'TACT_DECISION_LOG_KEEP' },
  decisionLogEraseDeadlineMs: { env: 'TACT_DECISION_LOG_ERASE_DEADLINE_MS' },
  seed: { flag: 'seed', env: 'TACT_SEED' },
  sweepIntervalMs: { env: 'TACT_SWEEP_INTERVAL_MS' },
  shutdownGraceMs: { env: 'TACT_SHUTDOWN_GRACE_MS' },
  rewardStreamIdleMs: { env: 'TACT_REWARD_STREAM_IDLE_MS' },
  rewardStreamMax: { env: 'TACT_REWARD_STREAM_MAX' },
  webhookUrl: { flag: 'webhook-url', env: 'TACT_WEBHOOK_URL' },
  webhookSecret: { flag: 'webhook-secret', env: 'TACT_WEBHOOK_SECRET' },
  deliveryMaxAttempts: { env: 'TACT_DELIVERY_MAX_ATTEMPTS' },
  deliveryBackoffMs: { env: 'TACT_DELIVERY_BACKOFF_MS' },
  deliveryConcurrency: { env: 'TACT_DELIVERY_CONCURRENCY' },
  journeyLockMs: { env: 'TACT_JOURNEY_LOCK_MS' },
  webhookTimeoutMs: { env: 'TACT_WEBHOOK_TIMEOUT_MS' },
  requireRedisPersistence: { flag: 'require-redis-persistence', env: 'TACT_REQUIRE_REDIS_PERSISTENCE' },
  maxFutureSkewMs: { env: 'TACT_MAX_FUTURE_SKEW_MS' },
  logLevel: { flag: 'log-level', env: 'TACT_LOG_LEVEL' },
  adminListen: { flag: 'admin-listen', env: 'TACT_ADMIN_LISTEN' },
  tlsCert: { flag: 'tls-cert', env: 'TACT_TLS_CERT' },
  tlsKey: { flag: 'tls-key', env: 'TACT_TLS_KEY' },
  tlsClientCa: { flag: 'tls-client-ca', env: 'TACT_TLS_CLIENT_CA' },
  metricsTls: { flag: 'metrics-tls', env: 'TACT_METRICS_TLS' },
  credentialsReloadMs: { env: 'TACT_CREDENTIALS_RELOAD_MS' },
  authTokens: { flag: 'auth-tokens', env: 'TACT_AUTH_TOKENS' },
  authJwks: { flag: 'auth-jwks', env: 'TACT_AUTH_JWKS' },
  authJwtIssuer: { flag: 'auth-jwt-issuer', env: 'TACT_AUTH_JWT_ISSUER' },
  authJwtAudience: { flag: 'auth-jwt-audience', env: 'TACT_AUTH_JWT_AUDIENCE' },
  authJwtScopesClaim: { flag: 'auth-jwt-scopes-claim', env: 'TACT_AUTH_JWT_SCOPES_CLAIM' },
  insecure: { flag: 'insecure', env: 'TACT_INSECURE' },
} as const satisfies Record<keyof TactConfig, SettingSource>;

const sources = Object.entries(SETTING_SOURCES) as Array<[keyof TactConfig, SettingSource]>;
const defaults = configSchema.parse({}) as Record<string, unknown>;

/** Environment variable -> setting. */
export const ENV: Readonly<Record<string, keyof TactConfig>> = Object.fromEntries(
  sources.flatMap(([key, s]) => (s.env === undefined ? [] : [[s.env, key]])),
);

/** Flag -> setting. */
export const FLAG_KEY: Readonly<Record<string, keyof TactConfig>> = Object.fromEntries(
  sources.flatMap(([key, s]) => (s.flag === undefined ? [] : [[s.flag, key]])),
);

/** node:util parseArgs options: --config and every setting's flag. */
export const FLAGS: Readonly<Record<string, { readonly type: 'string' | 'boolean' }>> = {
  config: { type: 'string' },
  ...Object.fromEntries(
    sources.flatMap(([key, s]) => (s.flag === undefined ? [] : [[s.flag, { type: typeof defaults[key] === 'boolean' ? 'boolean' : 'string' }]])),
  ),
};

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): TactConfig {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (err) {
    throw new TactError('invalid_argument', (err as Error).message, 'argv');
  }
  const raw: Record<string, unknown> = typeof flags.config === 'string' ? readConfigFile(flags.config) : {};
  for (const [name, key] of Object.entries(ENV)) if (env[name]) raw[key] = env[name];
  for (const [flag, key] of Object.entries(FLAG_KEY)) if (flags[flag] !== undefined) raw[key] = flags[flag];
  // One store: a flag choosing one Redis or a cluster wins over the other one set by a file or the
  // environment (REDIS_URL is commonly exported), as flags win over every other source.
  if (flags['redis-cluster'] !== undefined && flags.redis === undefined) delete raw['redisUrl'];
  if (flags.redis !== undefined && flags['redis-cluster'] === undefined) delete raw['redisCluster'];
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new TactError('invalid_argument', `configuration: ${formatZodError(result.error)}`);
  if (result.data.redisUrl && result.data.redisCluster) {
    throw new TactError('invalid_argument', 'configuration: give --redis (one Redis) or --redis-cluster (seed nodes), not both', 'redisCluster');
  }
  return result.data;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TactError('invalid_argument', `--config ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed: unknown = parseYaml(text);
  if (parsed === null || typeof parsed !== 'object') {
    throw new TactError('invalid_argument', `${file}: expected a YAML mapping`, 'config');
  }
  return parsed as Record<string, unknown>;
}
