import { spawn, type ChildProcess } from 'node:child_process';
import { Redis, type RedisOptions } from 'ioredis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once a Redis answers PING with these options (a server a test just spawned); throws after `timeoutMs`. */
export async function waitForRedis(options: RedisOptions, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      if (Date.now() > end) throw new Error(`redis-server on port ${options.port} did not start`);
      await sleep(50);
    } finally {
      probe.disconnect();
    }
  }
}

/** A private redis-server (never the shared one): stopped and restarted by this test. */
export class ScratchRedis {
  private child: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly dir: string,
    /** false: no AOF and no RDB, so a restart comes back empty (a Redis that lost its data). */
    private readonly persistent = true,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    // Persistent: AOF with fsync always, so a restart keeps what Redis acknowledged, as production would.
    const durability = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...durability, '--dir', this.dir], {
      stdio: 'ignore',
    });
    await waitForRedis({ host: '127.0.0.1', port: this.port }, 10_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
