#!/usr/bin/env node
/**
 * `tact <command>`: serve (default), simulate, evaluate, compare, ...
 * Each command lives in its own module; this file only dispatches.
 */
import { loadConfig } from '../config.js';
import { TactError } from '../core/errors.js';
import { runCompare } from './compare.js';
import { runEvaluate } from './evaluate.js';
import { runExport } from './export.js';
import { runPromote } from './promote.js';
import { runTrain } from './train.js';
import { runUplift } from './uplift.js';
import { serve } from './serve.js';
import { runSimulate } from './simulate.js';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: runServe,
  evaluate: runEvaluate,
  compare: runCompare,
  export: runExport,
  train: runTrain,
  promote: runPromote,
  uplift: runUplift,
  simulate: runSimulate,
};

async function runServe(argv: string[]): Promise<number> {
  const config = loadConfig(argv);
  const running = await serve(config);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      running.tact.logger.info({ signal }, 'shutting down');
      void running.stop().then(resolve);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    // Rotated certificates and tokens are picked up by polling; SIGHUP reads them at once.
    process.on('SIGHUP', () => void running.reloadCredentials());
  });
  return 0;
}

export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const name = first && !first.startsWith('-') ? first : 'serve';
  const args = name === first ? rest : argv;
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`tact: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof TactError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`tact: ${message}\n`);
    process.exit(err instanceof TactError && err.code === 'invalid_argument' ? 2 : 1);
  },
);
