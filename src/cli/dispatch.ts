/**
 * `tact <command>`: serve, simulate, evaluate, compare, ...
 * Each command lives in its own module; this one dispatches, prints the
 * top-level help and turns errors into exit codes: 0 done, 1 failed,
 * 2 usage error (bad flag, bad path, bad setting).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TactError } from '../core/errors.js';
import { REPO_ROOT } from '../core/paths.js';
import type { CommandIo } from './command.js';

type Run = (argv: string[], io: CommandIo) => Promise<number>;

interface Command {
  /** One line for `tact --help`. */
  readonly summary: string;
  /** The command's module, imported only when it runs: `tact --help` loads none of them. */
  readonly load: () => Promise<{ run: Run; usage: string }>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'serve gRPC Decide/Reward and /metrics',
    load: async () => ({ run: runServe, usage: (await import('./config-reference.js')).serveUsage() }),
  },
  simulate: {
    summary: 'compare policies in a synthetic marketing world',
    load: async () => import('./simulate.js').then((m) => ({ run: (a, io) => m.runSimulate(a, io), usage: m.SIMULATE_USAGE })),
  },
  evaluate: {
    summary: "estimate a policy's value on a decision log (IPS, SNIPS, DM, DR)",
    load: async () => import('./evaluate.js').then((m) => ({ run: (a, io) => m.runEvaluate(a, io), usage: m.EVALUATE_USAGE })),
  },
  compare: {
    summary: 'estimate several policies on one log, optionally as an SVG chart',
    load: async () => import('./compare.js').then((m) => ({ run: (a, io) => m.runCompare(a, io), usage: m.COMPARE_USAGE })),
  },
  export: {
    summary: 'decisions joined with their outcomes: log, or flat rows as JSONL, CSV, Parquet',
    load: async () => import('./export.js').then((m) => ({ run: (a, io) => m.runExport(a, io), usage: m.EXPORT_USAGE })),
  },
  train: {
    summary: "warm-start a policy's learner from a decision log",
    load: async () => import('./train.js').then((m) => ({ run: (a, io) => m.runTrain(a, io), usage: m.TRAIN_USAGE })),
  },
  promote: {
    summary: 'switch the champion policy of a running server, or roll back',
    load: async () => import('./promote.js').then((m) => ({ run: (a, io) => m.runPromote(a, io), usage: m.PROMOTE_USAGE })),
  },
  campaign: {
    summary: 'start, watch, pause and resume outbound campaigns; list a segment\'s members',
    load: async () => import('./campaign.js').then((m) => ({ run: (a, io) => m.runCampaign(a, io), usage: m.CAMPAIGN_USAGE })),
  },
  uplift: {
    summary: 'treated vs control-holdout reward per policy',
    load: async () => import('./uplift.js').then((m) => ({ run: (a, io) => m.runUplift(a, io), usage: m.UPLIFT_USAGE })),
  },
  'dead-letters': {
    summary: 'list and replay sends that failed their last attempt (Redis mode)',
    load: async () => import('./dead-letters.js').then((m) => ({ run: (a, io) => m.runDeadLetters(a, io), usage: m.DEAD_LETTERS_USAGE })),
  },
  'confirm-data-loss': {
    summary: 'resume marketing sends after the fleet\'s Redis lost its data',
    load: async () =>
      import('./confirm-data-loss.js').then((m) => ({ run: (a, io) => m.runConfirmDataLoss(a, io), usage: m.CONFIRM_DATA_LOSS_USAGE })),
  },
};

/** How long past the grace period a shutdown may take to close stores and queues. */
const SHUTDOWN_OVERRUN_MS = 15_000;

async function runServe(argv: string[], io: CommandIo): Promise<number> {
  const [{ loadConfig }, { serveUsage }, { checkPaths }] = await Promise.all([
    import('../config.js'),
    import('./config-reference.js'),
    import('./preflight.js'),
  ]);
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${serveUsage()}\n`);
    return 0;
  }
  const config = loadConfig(argv, io.env);
  checkPaths(config);
  const { serve } = await import('./serve.js');
  // Listen for SIGTERM before serving: "tact serving" is logged while the
  // start-up's last steps settle, and a signal that came in between was
  // answered by Node's default action (killed, no clean stop, no exit code).
  let stopRequested: NodeJS.Signals | undefined;
  let onSignal = (signal: NodeJS.Signals) => {
    stopRequested = signal;
  };
  const signalled = (signal: NodeJS.Signals) => onSignal(signal);
  process.once('SIGTERM', signalled);
  process.once('SIGINT', signalled);
  const running = await serve(config);
  await new Promise<void>((resolve) => {
    onSignal = (signal: NodeJS.Signals) => {
      running.tact.logger.info({ signal }, 'shutting down');
      // A stop that hangs (a store or job queue that never answers after a
      // failover) must not keep the process alive: say so and exit, rather
      // than wait for an orchestrator's SIGKILL that leaves no trace.
      const deadline = setTimeout(() => {
        running.tact.logger.error({ afterMs: config.shutdownGraceMs + SHUTDOWN_OVERRUN_MS }, 'shutdown did not finish; exiting');
        process.exit(1);
      }, config.shutdownGraceMs + SHUTDOWN_OVERRUN_MS);
      deadline.unref();
      void running.stop().then(resolve);
    };
    // Rotated certificates and tokens are picked up by polling; SIGHUP reads them at once.
    process.on('SIGHUP', () => void running.reloadCredentials());
    if (stopRequested) onSignal(stopRequested);
  });
  return 0;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function topUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'usage: tact <command> [options]',
    '       tact help <command>      (or tact <command> --help)',
    '       tact --version',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Start a server with `tact serve`; `tact serve --help` lists every flag with its',
    'environment variable and default.',
  ].join('\n');
}

/** Runs `tact ARGV`; returns the exit code (errors are reported on io.stderr, never thrown). */
export async function dispatch(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    return await route([...argv], io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`tact: ${message}\n`);
    return err instanceof TactError && err.code === 'invalid_argument' ? 2 : 1;
  }
}

async function route(argv: string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    // No server without `serve`: a bare `tact` is a question, not a deployment.
    io.stderr.write(`${topUsage()}\n`);
    return 2;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(`${topUsage()}\n`);
    return 0;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    io.stdout.write(`tact ${version()}\n`);
    return 0;
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout.write(`${topUsage()}\n`);
      return 0;
    }
    const command = COMMANDS[topic];
    if (!command) return unknown(topic, io);
    io.stdout.write(`${(await command.load()).usage}\n`);
    return 0;
  }
  if (first.startsWith('-')) {
    io.stderr.write(`tact: "${first}" before a command; flags go after it, e.g. tact serve ${argv.join(' ')}\n\n${topUsage()}\n`);
    return 2;
  }
  const command = COMMANDS[first];
  if (!command) return unknown(first, io);
  return (await command.load()).run(rest, io);
}

function unknown(name: string, io: CommandIo): number {
  io.stderr.write(`tact: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
  return 2;
}
