import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TactError } from './core/errors.js';
import { MODELS_DIR } from './core/paths.js';
import { formatZodError } from './core/zod-errors.js';

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT');

/**
 * Server configuration. Sources, later wins: defaults < `--config` file (YAML)
 * < environment (TACT_*, REDIS_URL) < command-line flags.
 */
export const configSchema = z.object({
  /** gRPC address. Flag --listen, env TACT_LISTEN. @defaultValue "127.0.0.1:50051" */
  listen: hostPort.default('127.0.0.1:50051'),
  /** Prometheus /metrics address. Flag --metrics-listen, env TACT_METRICS_LISTEN. @defaultValue "127.0.0.1:9464" */
  metricsListen: hostPort.default('127.0.0.1:9464'),
  /** Catalog YAML. Flag --catalog, env TACT_CATALOG. @defaultValue models/catalog.yaml */
  catalog: z.string().default(path.join(MODELS_DIR, 'catalog.yaml')),
  /** Policies YAML; unset means the embedded default policy. Flag --policies, env TACT_POLICIES. */
  policies: z.string().optional(),
  /** Redis URL; unset means in-memory state. Flag --redis, env REDIS_URL. */
  redisUrl: z.string().url().optional(),
  /** Prefix of every Redis key (several fleets can share one Redis). Flag --redis-prefix, env TACT_REDIS_PREFIX. @defaultValue "tact" */
  redisPrefix: z.string().regex(/^[^{}\s]+$/, 'no braces or spaces').default('tact'),
  /** Startup fails with a clear error when Redis is not reachable within this, ms. Env TACT_REDIS_CONNECT_TIMEOUT_MS. @defaultValue 3000 */
  redisConnectTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Writes held while Redis is down; beyond it they are refused and counted. Env TACT_REDIS_BUFFER_MAX. @defaultValue 100000 */
  redisBufferMax: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  /** Channels whose caps fail closed while Redis is down (comma list); others use local caps. Env TACT_CAPS_FAIL_CLOSED. @defaultValue "sms" */
  capsFailClosed: z.string().default('sms'),
  /** Health while Redis is down: keep SERVING (local model) or report NOT_SERVING. Env TACT_REDIS_DOWN_HEALTH. @defaultValue "serving" */
  redisDownHealth: z.enum(['serving', 'not_serving']).default('serving'),
  /** How often a fleet replica saves learner snapshots, ms. Env TACT_SNAPSHOT_INTERVAL_MS. @defaultValue 30000 */
  snapshotIntervalMs: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
  /** Also write fleet snapshots to this file (e.g. models/fleet-snapshot.json). Env TACT_SNAPSHOT_FILE. */
  snapshotFile: z.string().optional(),
  /** Decision log (JSON lines) for offline evaluation; unset means none. Flag --decision-log, env TACT_DECISION_LOG. */
  decisionLog: z.string().optional(),
  /** Seed mixed into every decision's sampling; unset means random per process. Flag --seed, env TACT_SEED. */
  seed: z.coerce.number().int().min(0).max(0xffffffff).optional(),
  /** How often attribution windows are closed, ms. Env TACT_SWEEP_INTERVAL_MS. @defaultValue 1000 */
  sweepIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Grace period for in-flight calls on SIGTERM, ms; then they are cancelled. Env TACT_SHUTDOWN_GRACE_MS. @defaultValue 10000 */
  shutdownGraceMs: z.coerce.number().int().min(0).max(300_000).default(10_000),
  /** A RewardStream with no reward for this long is ended with its summary, ms. Env TACT_REWARD_STREAM_IDLE_MS. @defaultValue 60000 */
  rewardStreamIdleMs: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** RewardStreams open at once; one more gets RESOURCE_EXHAUSTED. Env TACT_REWARD_STREAM_MAX. @defaultValue 256 */
  rewardStreamMax: z.coerce.number().int().min(1).max(100_000).default(256),
  /** pino log level. Env TACT_LOG_LEVEL. @defaultValue "info" */
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export type TactConfig = z.infer<typeof configSchema>;

const ENV: Record<string, keyof TactConfig> = {
  TACT_LISTEN: 'listen',
  TACT_METRICS_LISTEN: 'metricsListen',
  TACT_CATALOG: 'catalog',
  TACT_POLICIES: 'policies',
  REDIS_URL: 'redisUrl',
  TACT_REDIS_PREFIX: 'redisPrefix',
  TACT_REDIS_CONNECT_TIMEOUT_MS: 'redisConnectTimeoutMs',
  TACT_REDIS_BUFFER_MAX: 'redisBufferMax',
  TACT_CAPS_FAIL_CLOSED: 'capsFailClosed',
  TACT_REDIS_DOWN_HEALTH: 'redisDownHealth',
  TACT_SNAPSHOT_INTERVAL_MS: 'snapshotIntervalMs',
  TACT_SNAPSHOT_FILE: 'snapshotFile',
  TACT_DECISION_LOG: 'decisionLog',
  TACT_SEED: 'seed',
  TACT_LOG_LEVEL: 'logLevel',
  TACT_SWEEP_INTERVAL_MS: 'sweepIntervalMs',
  TACT_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
  TACT_REWARD_STREAM_IDLE_MS: 'rewardStreamIdleMs',
  TACT_REWARD_STREAM_MAX: 'rewardStreamMax',
};

const FLAGS = {
  config: { type: 'string' },
  listen: { type: 'string' },
  'metrics-listen': { type: 'string' },
  catalog: { type: 'string' },
  policies: { type: 'string' },
  redis: { type: 'string' },
  'redis-prefix': { type: 'string' },
  'decision-log': { type: 'string' },
  seed: { type: 'string' },
  'log-level': { type: 'string' },
} as const;

const FLAG_KEY: Record<string, keyof TactConfig> = {
  listen: 'listen',
  'metrics-listen': 'metricsListen',
  catalog: 'catalog',
  policies: 'policies',
  redis: 'redisUrl',
  'redis-prefix': 'redisPrefix',
  'decision-log': 'decisionLog',
  seed: 'seed',
  'log-level': 'logLevel',
};

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): TactConfig {
  let flags: Record<string, string | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (err) {
    throw new TactError('invalid_argument', (err as Error).message, 'argv');
  }
  const raw: Record<string, unknown> = flags.config ? readConfigFile(flags.config) : {};
  for (const [name, key] of Object.entries(ENV)) if (env[name]) raw[key] = env[name];
  for (const [flag, key] of Object.entries(FLAG_KEY)) if (flags[flag] !== undefined) raw[key] = flags[flag];
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new TactError('invalid_argument', `configuration: ${formatZodError(result.error)}`);
  return result.data;
}

function readConfigFile(file: string): Record<string, unknown> {
  const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (parsed === null || typeof parsed !== 'object') {
    throw new TactError('invalid_argument', `${file}: expected a YAML mapping`, 'config');
  }
  return parsed as Record<string, unknown>;
}
