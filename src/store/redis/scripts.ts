import { readFileSync } from 'node:fs';
import type { RedisClient } from './client.js';
import { tactError } from '../../core/errors.js';

/**
 * The Lua scripts, one atomic operation per file (`<verb>-<numberOfKeys>.lua`, `n` for
 * any number).
 * Read from the lua/ folder beside this module: under src/ when run from
 * source, under dist/ after `npm run build` (which copies them, since tsc
 * does not), so dist/ runs without src/. Registered with defineCommand under "tact-<verb>:<version>", so a fleet in
 * the middle of a rolling upgrade can run two versions of a script side by
 * side. Bump a script's version whenever its KEYS/ARGV/return contract changes.
 */
const SCRIPTS = {
  join: { file: 'join-1.lua', keys: 1, version: 2 },
  claim: { file: 'claim-1.lua', keys: 1, version: 1 },
  take: { file: 'take-1.lua', keys: 1, version: 2 },
  engage: { file: 'engage-1.lua', keys: 1, version: 1 },
  reserve: { file: 'reserve-1.lua', keys: 1, version: 1, lib: 'reserve.lib.lua' },
  forget: { file: 'forget-9.lua', keys: 9, version: 1 },
  recordEvent: { file: 'record-event-7.lua', keys: 7, version: 1 },
  loadCustomer: { file: 'load-customer-7.lua', keys: 7, version: 1, lib: 'customer.lib.lua' },
  /** 8 keys, or 9 on one Redis (the request id's answer where earlier versions kept it). */
  loadDecide: { file: 'load-decide-n.lua', keys: 'any', version: 2, lib: 'customer.lib.lua' },
  saveSnapshot: { file: 'save-snapshot-2.lua', keys: 2, version: 1 },
  ledgerPush: { file: 'ledger-push-1.lua', keys: 1, version: 1, lib: 'ledger.lib.lua' },
  publish: { file: 'publish-2.lua', keys: 2, version: 1, lib: 'ledger.lib.lua' },
  /** Takes any number of keys (the caller passes one per part). */
  saveDecision: { file: 'save-decision-n.lua', keys: 'any', version: 1, lib: 'reserve.lib.lua' },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const LUA_DIR = new URL('./lua/', import.meta.url);

let cache: Map<ScriptName, string> | undefined;

function sources(): Map<ScriptName, string> {
  cache ??= new Map(
    (Object.keys(SCRIPTS) as ScriptName[]).map((name) => {
      const script: { file: string; lib?: string } = SCRIPTS[name];
      const read = (file: string) => readFileSync(new URL(file, LUA_DIR), 'utf8');
      // A script that shares functions with another starts with their file (*.lib.lua).
      return [name, script.lib === undefined ? read(script.file) : `${read(script.lib)}\n${read(script.file)}`];
    }),
  );
  return cache;
}

const commandName = (name: ScriptName): string => `tact-${name}:${SCRIPTS[name].version}`;

/** Register every script on a connection (ioredis then uses EVALSHA, falling back to EVAL). */
export function defineScripts(redis: RedisClient): void {
  for (const [name, lua] of sources()) {
    const keys = SCRIPTS[name].keys;
    redis.defineCommand(commandName(name), keys === 'any' ? { lua } : { lua, numberOfKeys: keys });
  }
}

type ScriptReply = string | number | null | ScriptReply[];
type ScriptMethod = (...args: (string | number)[]) => Promise<ScriptReply>;

/** Run a registered script; checks the key count so a KEYS/ARGV mix-up fails loudly. */
export function runScript(
  redis: RedisClient,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<ScriptReply> {
  const expected = SCRIPTS[name].keys;
  if (expected === 'any' ? keys.length === 0 : keys.length !== expected) {
    throw tactError('INVARIANT', `script ${name} takes ${expected} keys, got ${keys.length}`);
  }
  const method = (redis as unknown as Record<string, ScriptMethod | undefined>)[commandName(name)];
  if (!method) throw tactError('INVARIANT', `script ${name} is not defined on this connection`);
  // A script without a fixed key count is called with the count first (ioredis passes it on as numkeys).
  return expected === 'any' ? method.call(redis, keys.length, ...keys, ...args) : method.call(redis, ...keys, ...args);
}

export type { ScriptReply };
