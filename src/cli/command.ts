import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { PolicyResolver } from '../evaluation/policies.js';
import type { ProgressStream } from '../evaluation/progress.js';

/**
 * The plumbing every `tact <command>` shares: where it writes, option parsing
 * with --help, usage errors (exit 2) apart from failures (exit 1), and the
 * number and time flags' checks.
 */

/** Where a command writes, and what it may plug in; main passes process streams. */
export interface CommandIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra policy resolvers (policy files, saved models), tried before the built-ins. */
  readonly resolvers?: readonly PolicyResolver[];
}

/** The real process streams: what a command gets when main dispatches with argv only. */
export function processIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Bad command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/** A command's options, as node:util parseArgs takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs makes of `options` (and positionals when allowed). */
export type ParsedCommand<O extends CommandOptions, P extends boolean = false> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: P }>
>;

/** The values of parsed `options`. */
export type OptionValues<O extends CommandOptions> = ParsedCommand<O>['values'];

export interface CommandSpec<O extends CommandOptions, P extends boolean> {
  readonly name: string;
  readonly usage: string;
  /** The command's own options; --help (-h) is added. */
  readonly options: O;
  readonly allowPositionals?: P;
}

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * Parses argv (an unknown flag or a missing value is a usage error), prints the
 * usage on --help, else runs the body. Usage errors exit 2 with the usage on
 * stderr, other failures exit 1 with their message; returns the exit code.
 */
export async function runCommand<O extends CommandOptions, P extends boolean = false>(
  spec: CommandSpec<O, P>,
  argv: readonly string[],
  io: CommandIo,
  body: (parsed: ParsedCommand<O, P>) => Promise<void>,
): Promise<number> {
  try {
    const config: ParseArgsConfig = { args: [...argv], options: { ...spec.options, ...HELP }, allowPositionals: spec.allowPositionals ?? false };
    let parsed;
    try {
      parsed = parseArgs(config);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (parsed.values['help'] === true) {
      io.stdout.write(`${spec.usage}\n`);
      return 0;
    }
    // parseArgs' result type cannot be worked out for a generic O; it is the one spelled out for the caller's options.
    await body(parsed as unknown as ParsedCommand<O, P>);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`tact ${spec.name}: ${e.message}\n\n${spec.usage}\n`);
      return 2;
    }
    io.stderr.write(`tact ${spec.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/**
 * A number flag: undefined when absent; a usage error, `--NAME: <problem> "RAW"`,
 * when it is not a number or fails `check`.
 */
export function parseNumber(
  name: string,
  raw: string | undefined,
  check: (x: number) => boolean = Number.isFinite,
  problem = 'invalid value',
): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (raw.trim() === '' || !check(x)) throw new UsageError(`--${name}: ${problem} "${raw}"`);
  return x;
}

/** A time flag: ms since epoch (digits only) or anything Date.parse reads (ISO 8601). */
export function parseTime(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(ms)) throw new UsageError(`--${name}: not a date or ms timestamp: "${raw}"`);
  return ms;
}
