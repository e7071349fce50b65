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
  /** Decision log (JSON lines) for offline evaluation; unset means none. Flag --decision-log, env TACT_DECISION_LOG. */
  decisionLog: z.string().optional(),
  /** Seed mixed into every decision's sampling; unset means random per process. Flag --seed, env TACT_SEED. */
  seed: z.coerce.number().int().min(0).max(0xffffffff).optional(),
  /** How often attribution windows are closed, ms. Env TACT_SWEEP_INTERVAL_MS. @defaultValue 1000 */
  sweepIntervalMs: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Grace period for in-flight calls on SIGTERM, ms; then they are cancelled. Env TACT_SHUTDOWN_GRACE_MS. @defaultValue 10000 */
  shutdownGraceMs: z.coerce.number().int().min(0).max(300_000).default(10_000),
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
  TACT_DECISION_LOG: 'decisionLog',
  TACT_SEED: 'seed',
  TACT_LOG_LEVEL: 'logLevel',
};

const FLAGS = {
  config: { type: 'string' },
  listen: { type: 'string' },
  'metrics-listen': { type: 'string' },
  catalog: { type: 'string' },
  policies: { type: 'string' },
  redis: { type: 'string' },
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
  'decision-log': 'decisionLog',
  TACT_SWEEP_INTERVAL_MS: 'sweepIntervalMs',
  TACT_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
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
