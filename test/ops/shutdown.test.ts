import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { TestClient } from '../support/grpc-client.js';
import { openRewardStream } from '../support/reward-stream.js';

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

describe('SIGTERM with RewardStreams open', () => {
  it('ends every stream with its summary, half-closed or not, and exits well within a long grace period', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${metricsPort}`],
      // A grace period longer than the test's own timeout: only ending the streams lets it exit in time.
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TACT_SHUTDOWN_GRACE_MS: '200000' } },
    );
    let logs = '';
    child.stderr.on('data', (b: Buffer) => (logs += b.toString()));
    child.stdout.on('data', (b: Buffer) => (logs += b.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const client = new TestClient(`127.0.0.1:${port}`);
    try {
      await waitFor(() => logs.includes('"tact serving"'), 20_000);
      const PER_STREAM = 3;
      const streams = [];
      for (let s = 0; s < 12; s++) {
        const stream = openRewardStream(client);
        for (let i = 0; i < PER_STREAM; i++) {
          const d = await client.decide({ customer_id: `s${s}-${i}`, trigger: 't', candidates: [{ id: 'a' }] });
          stream.write({ decision_id: d.decision_id, value: 1, event_id: 'e' });
        }
        // A third of the clients half-close before the signal; the rest never do.
        if (s % 3 === 0) stream.end();
        streams.push(stream);
      }
      // Every reward was read and joined before the signal (the counter says so).
      const total = streams.length * PER_STREAM;
      await waitForAsync(async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return Number(/^tact_rewards_total\{status="joined"\} (\d+)/m.exec(text)?.[1] ?? 0) === total;
      });
      child.kill('SIGTERM');
      const summaries = await Promise.all(streams.map((s) => s.result));
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      for (const summary of summaries) expect(summary).toMatchObject({ received: PER_STREAM, joined: PER_STREAM, rejected: 0 });
      expect(logs).toContain('"tact stopped"');
    } finally {
      client.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

async function waitForAsync(cond: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
