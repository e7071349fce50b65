import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { TactConfig } from '../config.js';
import { TactError } from '../core/errors.js';
import { configReference } from './config-reference.js';

/**
 * Paths a setting names, checked before anything listens: a typo in a path
 * is reported at start, naming the flag, not as a stack trace after "tact
 * serving" (a log file is only opened at the first decision). Settings other
 * issues add (certificates, token files) are listed here by name and checked
 * once the schema has them.
 */
const READ_FILES = ['catalog', 'policies', 'tlsCert', 'tlsKey', 'tlsClientCa', 'authTokens', 'authJwks'];
/** Files Tact writes: the directory must exist and be writable; the file itself is created. */
const WRITE_FILES = ['decisionLog', 'snapshotFile'];

export function checkPaths(config: TactConfig): void {
  const settings = config as unknown as Record<string, unknown>;
  const settingOf = settingNames();
  const fail = (key: string, file: string, problem: string): never => {
    const { name, also } = settingOf(key);
    throw new TactError('invalid_argument', `${name} ${file}: ${problem}${also ? ` (set by ${name} or ${also})` : ''}`);
  };
  for (const key of READ_FILES) {
    const file = settings[key];
    if (typeof file !== 'string') continue;
    const stat = statOf(file);
    if (!stat) fail(key, file, 'no such file');
    else if (!stat.isFile()) fail(key, file, 'not a file');
    else if (!canAccess(file, constants.R_OK)) fail(key, file, 'not readable');
  }
  for (const key of WRITE_FILES) {
    const file = settings[key];
    if (typeof file !== 'string') continue;
    const dir = path.dirname(path.resolve(file));
    const stat = statOf(file);
    if (stat?.isDirectory()) fail(key, file, 'is a directory; give a file name');
    const dirStat = statOf(dir);
    if (!dirStat) fail(key, file, `directory ${dir} does not exist`);
    else if (!dirStat.isDirectory()) fail(key, file, `${dir} is not a directory`);
    else if (!canAccess(stat ? file : dir, constants.W_OK)) fail(key, file, 'not writable');
  }
}

/** How a setting is named to the user: its flag, else its environment variable, else its YAML key. */
function settingNames(): (key: string) => { name: string; also?: string } {
  const byKey = new Map(configReference().map((o) => [o.key as string, o]));
  return (key) => {
    const o = byKey.get(key);
    const name = o?.flag ?? o?.env ?? key;
    return o?.flag && o.env ? { name, also: o.env } : { name };
  };
}

function statOf(file: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function canAccess(file: string, mode: number): boolean {
  try {
    accessSync(file, mode);
    return true;
  } catch {
    return false;
  }
}
