import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { runBuf } from '../support/buf.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Inside the package, so `import ... from 'tact/client'` resolves through package.json "exports".
const SNIPPETS = path.join(ROOT, 'test/readme/.snippets');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The bodies of the README's fenced blocks of one language, in order. */
function blocks(lang: string): string[] {
  return [...README.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1] ?? '');
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(file, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** A README grpcurl command as buf curl runs it (grpcurl is not installed here; buf ships with the dev dependencies). */
function grpcurlToBuf(command: string, address: string): string[] {
  const m = /^grpcurl -plaintext -d '([\s\S]*?)'\s+(\S+)\s+(\S+)$/.exec(command.replace(/\\\n\s*/g, ' ').trim());
  if (!m) throw new Error(`not a grpcurl command the test understands: ${command}`);
  return ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '-d', m[1]!, `http://${address}/${m[3]}`];
}

describe('README examples run as written', () => {
  let running: RunningTact;
  let address: string;
  // Decision ids seed the sampling, so random ids would make the snippet's pick (send or no-send) a
  // coin toss; counted ids make it the same on every run.
  let idsIssued = 0;
  const newId = (): string => (idsIssued++).toString(16).padStart(16, '0');

  beforeAll(async () => {
    // Midday on a Monday: the sample catalog's quiet hours cannot turn the example into a no-send.
    const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 11 });
    running = await serve(config, { clock: new ManualClock(Date.UTC(2026, 0, 5, 12)), newId });
    address = `127.0.0.1:${running.grpc.port}`;
    mkdirSync(SNIPPETS, { recursive: true });
  });
  afterAll(async () => {
    await running.stop();
    rmSync(SNIPPETS, { recursive: true, force: true });
  });

  it('the TypeScript snippet type-checks (strict) and runs against a server', async () => {
    const [snippet, ...more] = blocks('ts');
    expect(more).toEqual([]);
    expect(snippet).toContain("from 'tact/client'");
    expect(snippet).not.toMatch(/\bas any\b/);
    const file = path.join(SNIPPETS, 'readme.ts');
    writeFileSync(file, snippet!);
    const tsc = await run(process.execPath, [
      'node_modules/typescript/bin/tsc', '--noEmit', '--strict', '--noUncheckedIndexedAccess', '--skipLibCheck',
      '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--customConditions', 'tact-source', file,
    ]);
    expect(tsc.stdout + tsc.stderr).toBe('');
    const runSnippet = () => run(process.execPath, ['--conditions=tact-source', '--import', 'tsx', file], { TACT_ADDRESS: address });
    let r = await runSnippet();
    // The snippet keeps the client's 1 s Decide deadline; on a machine loaded many times over, the
    // first call can miss it. One more run tells a slow machine from a broken snippet; it starts the
    // ids again so it samples what the first run would have (a decision the late first run did save
    // is answered from its request id and takes no new id).
    if (r.stderr.includes('DEADLINE_EXCEEDED')) {
      idsIssued = 0;
      r = await runSnippet();
    }
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^send \S+ on \S+ \(p=0\.\d{3}\)\nJOINED\n$/);
  });

  it('every grpcurl example answers OK (run with buf curl through reflection)', async () => {
    const commands = blocks('sh')
      .flatMap((b) => b.split(/\n(?=grpcurl )/))
      .filter((c) => c.startsWith('grpcurl '));
    expect(commands.length).toBeGreaterThanOrEqual(5);
    let decisionId: string | undefined;
    const sampleId = /"decisionId": "([^"]+)"/.exec(README)?.[1];
    for (const raw of commands) {
      // "Later, when the customer converts": the Reward example joins the decision just made.
      const command = decisionId && sampleId ? raw.replace(sampleId, decisionId) : raw;
      const r = await runBuf(grpcurlToBuf(command, address));
      expect(r.stderr, command).toBe('');
      const body = JSON.parse(r.stdout || '{}') as { decisionId?: string; status?: string };
      decisionId ??= body.decisionId;
      if (command.includes('/Reward')) expect(body.status).toBe('JOINED');
    }
    expect(decisionId).toBeDefined();
  });
});
