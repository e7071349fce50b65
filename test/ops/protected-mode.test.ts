import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { checkProtectedMode, isLoopback } from '../../src/server/protected-mode.js';
import { freePort } from '../support/free-port.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `tact serve ARGS` as a process: resolves with its exit code and output, once it exits or logs "tact serving" (then it is stopped). */
async function serveProcess(args: string[]): Promise<{ code: number | null; output: string; served: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let served = false;
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const onData = (b: Buffer) => {
    output += b.toString();
    if (!served && output.includes('"tact serving"')) {
      served = true;
      child.kill('SIGTERM');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // Generous: under a loaded machine a tsx start alone can take tens of seconds.
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  const [code] = await exited;
  clearTimeout(timer);
  return { code, output, served };
}

describe('protected mode', () => {
  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1:1', '127.8.9.10:1', 'localhost:1', '[::1]:1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['0.0.0.0:1', '[::]:1', '10.0.0.5:1', 'tact.internal:1', '128.0.0.1:1']) expect(isLoopback(a), a).toBe(false);
  });

  it('lets the default configuration (npm start) and any secured or --insecure configuration through', () => {
    expect(() => checkProtectedMode(loadConfig([], {}))).not.toThrow();
    const wide = ['--listen', '0.0.0.0:50051'];
    expect(() => checkProtectedMode(loadConfig(wide, {}))).toThrow(/protected mode/);
    expect(() => checkProtectedMode(loadConfig([...wide, '--insecure'], {}))).not.toThrow();
    expect(() => checkProtectedMode(loadConfig(wide, { TACT_INSECURE: '1' }))).not.toThrow();
    expect(() => checkProtectedMode(loadConfig(wide, { TACT_INSECURE: 'false' }))).toThrow(/protected mode/);
    expect(() => checkProtectedMode(loadConfig([...wide, '--auth-tokens', 'tokens.yaml'], {}))).not.toThrow();
    expect(() => checkProtectedMode(loadConfig([...wide, '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {}))).not.toThrow();
    // The admin and metrics listeners count too.
    expect(() => checkProtectedMode(loadConfig(['--admin-listen', '0.0.0.0:50052'], {}))).toThrow(/--admin-listen 0\.0\.0\.0:50052/);
    expect(() => checkProtectedMode(loadConfig(['--metrics-listen', '0.0.0.0:9464'], {}))).toThrow(/--metrics-listen 0\.0\.0\.0:9464/);
  });

  it('a non-loopback listen without auth or TLS exits non-zero naming the flags; with --insecure it serves', async () => {
    const [port, metricsPort, otherPort, otherMetricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const args = ['--listen', `0.0.0.0:${port}`, '--metrics-listen', `127.0.0.1:${metricsPort}`];
    const [refused, insecure] = await Promise.all([serveProcess(args), serveProcess(['--listen', `0.0.0.0:${otherPort}`, '--metrics-listen', `127.0.0.1:${otherMetricsPort}`, '--insecure'])]);
    expect(refused.served).toBe(false);
    expect(refused.code).not.toBe(0);
    expect(refused.code).not.toBeNull();
    for (const flag of ['protected mode', `--listen 0.0.0.0:${port}`, '--auth-tokens', '--auth-jwks', '--tls-cert', '--tls-key', '--insecure']) {
      expect(refused.output).toContain(flag);
    }

    expect(insecure.served).toBe(true);
    expect(insecure.code).toBe(0);
  }, 180_000);
});
