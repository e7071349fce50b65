import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command.js';
import { configReference } from '../../src/cli/config-reference.js';
import { dispatch } from '../../src/cli/dispatch.js';
import { ENV, FLAG_KEY, FLAGS, configSchema } from '../../src/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMMANDS = ['serve', 'simulate', 'evaluate', 'compare', 'export', 'train', 'promote', 'uplift', 'dead-letters'];

async function tact(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIo = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) }, env: {} } as unknown as CommandIo;
  const code = await dispatch(argv, io);
  return { code, out, err };
}

describe('tact CLI help and exit codes', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints every command to stdout, exit 0', async (flag) => {
    const r = await tact(flag);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    expect(await tact('--version')).toEqual({ code: 0, out: `tact ${version}\n`, err: '' });
  });

  it.each(COMMANDS)('help %s and the command with --help print the same usage, exit 0', async (command) => {
    const viaHelp = await tact('help', command);
    const viaFlag = await tact(command, '--help');
    expect(viaHelp.code).toBe(0);
    expect(viaFlag.code).toBe(0);
    expect(viaHelp.out).toMatch(new RegExp(`^usage: tact ${command}`));
    expect(viaFlag.out).toBe(viaHelp.out);
    expect(viaFlag.err).toBe('');
  });

  it('no command, an unknown one, or flags before the command: usage on stderr, exit 2, nothing served', async () => {
    for (const argv of [[], ['nope'], ['help', 'nope'], ['--listen', '127.0.0.1:1']]) {
      const r = await tact(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/tact/);
    }
  });

  it('an unknown flag of a command is a usage error (exit 2)', async () => {
    expect((await tact('simulate', '--nope')).code).toBe(2);
    expect((await tact('serve', '--nope')).code).toBe(2);
  });
});

describe('tact serve --help, generated from the config schema', () => {
  it('lists every setting of the schema with its flag or env, and its default', async () => {
    const { out } = await tact('serve', '--help');
    const options = configReference();
    expect(options.map((o) => o.key)).toEqual(Object.keys(configSchema.shape));
    for (const o of options) {
      expect(o.flag ?? o.env, `${o.key} has neither a flag nor an environment variable`).toBeDefined();
      const block = out.slice(out.indexOf(`\n  ${o.flag ?? o.env}`));
      expect(block, o.key).toContain(`[${o.key}]`);
      expect(block.split('\n').slice(0, 4).join('\n'), o.key).toContain(`default: ${o.defaultValue ?? 'unset'}`);
      if (o.env) expect(out).toContain(`env ${o.env}`);
    }
    expect(out).toContain('default: 127.0.0.1:50051');
    expect(out).toMatch(/--log-level VALUE\n.*\n.*env TACT_LOG_LEVEL/);
  });

  it('the flag and env tables agree with the schema and with what its comments say', () => {
    const keys = new Set(Object.keys(configSchema.shape));
    for (const key of [...Object.values(FLAG_KEY), ...Object.values(ENV)]) expect(keys, key).toContain(key);
    expect(Object.keys(FLAGS).sort()).toEqual(['config', ...Object.keys(FLAG_KEY)].sort());
    const source = readFileSync(`${ROOT}/src/config.ts`, 'utf8');
    const schemaText = source.slice(source.indexOf('export const configSchema'), source.indexOf('export type TactConfig'));
    for (const m of schemaText.matchAll(/Flag --([\w-]+)/g)) expect(Object.keys(FLAG_KEY), `comment names --${m[1]}`).toContain(m[1]);
    for (const m of schemaText.matchAll(/[Ee]nv ([A-Z][A-Z0-9_]+)/g)) expect(Object.keys(ENV), `comment names ${m[1]}`).toContain(m[1]);
  });
});

describe('tact serve checks every path before serving, naming the setting', () => {
  it.each([
    [['--decision-log', '/nonexistent-dir/decisions.jsonl'], /^tact: --decision-log \/nonexistent-dir\/decisions\.jsonl: directory \/nonexistent-dir does not exist/],
    [['--decision-log', '/tmp'], /^tact: --decision-log \/tmp: is a directory/],
    [['--catalog', '/nonexistent.yaml'], /^tact: --catalog \/nonexistent\.yaml: no such file/],
    [['--policies', '/nonexistent.yaml'], /^tact: --policies \/nonexistent\.yaml: no such file/],
    [['--config', '/nonexistent.yaml'], /^tact: --config \/nonexistent\.yaml: cannot read \(ENOENT\)/],
  ])('%j', async (argv, message) => {
    const r = await tact('serve', ...argv, '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain('serving');
  });
});

describe('the tact binary', () => {
  it('bare `tact` exits 2 with the usage instead of starting a server; --version exits 0', async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/tact.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (err += b.toString()));
        child.once('exit', (code) => resolve({ code, out, err }));
      });
    const bare = await run();
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('usage: tact <command>');
    expect(bare.err + bare.out).not.toContain('serving');
    const version = await run('--version');
    expect(version.code).toBe(0);
    expect(version.out).toMatch(/^tact \d+\.\d+\.\d+/);
  });
});

describe('docs/configuration.md', () => {
  it('is what npm run docs:config generates from the schema (run it after adding a setting)', async () => {
    const { configurationDoc, CONFIGURATION_MD } = await import('../../scripts/config-docs.js');
    expect(readFileSync(CONFIGURATION_MD, 'utf8')).toBe(configurationDoc());
  });
});
