import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { TestClient } from '../support/grpc-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('tact serve as a process', () => {
  it('on SIGTERM answers every accepted call, then exits 0', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${metricsPort}`],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let logs = '';
    child.stderr.on('data', (b: Buffer) => (logs += b.toString()));
    child.stdout.on('data', (b: Buffer) => (logs += b.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await waitFor(() => logs.includes('"tact serving"'), 20_000);
      const client = new TestClient(`127.0.0.1:${port}`);
      const outcomes: Array<'ok' | 'refused' | string> = [];
      let sent = 0;
      let stop = false;
      // A few closed loops keep calls in flight across the signal.
      const loop = async (w: number) => {
        while (!stop) {
          sent += 1;
          try {
            await client.decide({ customer_id: `w${w}-${sent}`, trigger: 'cart_abandoned' }, 5000);
            outcomes.push('ok');
          } catch (err) {
            const code = (err as grpc.ServiceError).code;
            // UNAVAILABLE: the server had stopped accepting, the call never started.
            outcomes.push(code === grpc.status.UNAVAILABLE ? 'refused' : `code ${code}: ${(err as Error).message}`);
            if (code === grpc.status.UNAVAILABLE) return;
          }
        }
      };
      const loops = Array.from({ length: 8 }, (_, w) => loop(w));
      await waitFor(() => outcomes.length >= 200, 20_000);
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      stop = true;
      await Promise.all(loops);
      client.close();
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      // Every call settled: answered, or refused before it was accepted; nothing failed mid-call.
      expect(outcomes.length).toBe(sent);
      expect(outcomes.filter((o) => o !== 'ok' && o !== 'refused')).toEqual([]);
      expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(200);
      expect(logs).toContain('"tact stopped"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
