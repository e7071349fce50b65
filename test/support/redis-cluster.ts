import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One redis-server of the test cluster. */
export interface ClusterNode {
  readonly port: number;
  /** Cluster bus port (not port + 10000: both are free ports). */
  readonly busPort: number;
  readonly child: ChildProcess;
}

/**
 * A real Redis Cluster for tests: 3 masters and 3 replicas, each a
 * redis-server in cluster mode on free ports (client and bus) in a temp
 * directory, joined as `redis-cli --cluster create` would. One per test file:
 * start it in beforeAll, stop it in afterAll (the directory goes with it).
 * No persistence, and a short node timeout so a killed master fails over in
 * about a second.
 */
export class TestRedisCluster {
  private constructor(
    readonly nodes: ClusterNode[],
    private readonly dir: string,
  ) {}

  /** "127.0.0.1:<port>,..." for --redis-cluster / TACT_REDIS_CLUSTER. */
  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  static async start(options: { readonly masters?: number; readonly nodeTimeoutMs?: number } = {}): Promise<TestRedisCluster> {
    const masters = options.masters ?? 3;
    const dir = mkdtempSync(path.join(tmpdir(), 'tact-cluster-'));
    const nodes: ClusterNode[] = [];
    const cluster = new TestRedisCluster(nodes, dir);
    try {
      // One at a time: a free port can be taken by another test's process
      // before redis-server binds it, and then that node starts again elsewhere.
      for (let i = 0; i < masters * 2; i++) nodes.push(await cluster.spawnNode(dir, options.nodeTimeoutMs ?? 1000));
      await cluster.join(masters);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /**
   * What `redis-cli --cluster create --cluster-replicas 1` does, without its
   * fixed one-second waits: slots split evenly over the first `masters`
   * nodes, every node met, each further node replicating one master.
   */
  private async join(masters: number): Promise<void> {
    const ids = await Promise.all(this.nodes.map((n) => this.command(n.port, ['CLUSTER', 'MYID'])));
    const per = Math.ceil(16384 / masters);
    await Promise.all(
      this.nodes.slice(0, masters).map((n, i) =>
        this.command(n.port, ['CLUSTER', 'ADDSLOTSRANGE', String(i * per), String(Math.min(16383, (i + 1) * per - 1))]),
      ),
    );
    const first = this.nodes[0] as ClusterNode;
    await Promise.all(this.nodes.slice(1).map((n) => this.command(first.port, ['CLUSTER', 'MEET', '127.0.0.1', String(n.port), String(n.busPort)])));
    // A node can replicate a master only once it knows it.
    const end = Date.now() + 60_000;
    for (const [i, n] of this.nodes.slice(masters).entries()) {
      const master = ids[i % masters] as string;
      for (;;) {
        const known = await this.command(n.port, ['CLUSTER', 'NODES']);
        if (known.includes(master) && (await this.command(n.port, ['CLUSTER', 'REPLICATE', master]).catch(() => '')) === 'OK') break;
        if (Date.now() > end) throw new Error('test cluster: replicas could not join');
        await sleep(50);
      }
    }
  }

  /** Until every live node reports cluster_state:ok and every live replica is in sync. */
  async waitUntilHealthy(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(this.live().map((n) => this.info(n.port).catch(() => '')));
      if (states.every((s) => s.includes('cluster_state:ok') && !s.includes('master_link_status:down') && !s.includes('master_sync_in_progress:1'))) return;
      if (Date.now() > end) throw new Error(`test cluster not healthy: ${states.map((s) => /cluster_state:\w+/.exec(s)?.[0]).join(' ')}`);
      await sleep(100);
    }
  }

  /** Ports of the current masters (changes after a failover). */
  async masterPorts(): Promise<number[]> {
    const out: number[] = [];
    for (const n of this.live()) {
      const role = await this.command(n.port, ['ROLE']).catch(() => '');
      if (role.startsWith('master')) out.push(n.port);
    }
    return out;
  }

  /** Kill a node with SIGKILL (a crash, not a shutdown) and wait until it is gone. */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((n) => n.port === port);
    if (!node || node.child.exitCode !== null) return;
    const exited = new Promise((r) => node.child.once('exit', r));
    node.child.kill('SIGKILL');
    await exited;
    this.admin.get(port)?.disconnect();
    this.admin.delete(port);
  }

  /** A plain connection to one node (admin commands; never used as a store client). */
  connect(port: number): Redis {
    return new Redis({ host: '127.0.0.1', port, lazyConnect: false, maxRetriesPerRequest: 1 });
  }

  async stop(): Promise<void> {
    for (const conn of this.admin.values()) conn.disconnect();
    this.admin.clear();
    await Promise.all(
      this.nodes.map(async (n) => {
        if (n.child.exitCode !== null || n.child.signalCode !== null) return;
        const exited = new Promise((r) => n.child.once('exit', r));
        n.child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A cluster-mode redis-server on fresh free ports, answering PING (retried on new ports if it cannot bind). */
  private async spawnNode(dir: string, nodeTimeoutMs: number): Promise<ClusterNode> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const busPort = await freePort();
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir, { recursive: true });
      const child = spawn(
        'redis-server',
        [
          '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'),
          '--cluster-node-timeout', String(nodeTimeoutMs),
          '--save', '', '--appendonly', 'no', '--dir', nodeDir, '--protected-mode', 'no',
          // Replicas sync at once (the default waits 5 s for more replicas to share one transfer).
          '--repl-diskless-sync-delay', '0',
        ],
        { stdio: 'ignore' },
      );
      const node = { port, busPort, child };
      try {
        await this.waitForPing(node);
        return node;
      } catch (err) {
        child.kill('SIGKILL');
        if (attempt >= 5) throw err;
      }
    }
  }

  private async waitForPing(node: ClusterNode): Promise<void> {
    const { port, child } = node;
    // Deadlines, not measurements: a loaded 2-core machine starts processes slowly.
    const end = Date.now() + 60_000;
    for (;;) {
      // It exited (port taken): never ping whatever else listens there.
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on ${port} exited at start`);
      if ((await this.command(port, ['PING']).catch(() => '')) === 'PONG') return;
      this.admin.get(port)?.disconnect();
      this.admin.delete(port);
      if (Date.now() > end) throw new Error(`redis-server on ${port} did not start`);
      await sleep(50);
    }
  }

  private live(): ClusterNode[] {
    return this.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  }

  private async info(port: number): Promise<string> {
    return (await this.command(port, ['CLUSTER', 'INFO'])) + (await this.command(port, ['INFO', 'replication']));
  }

  private readonly admin = new Map<number, Redis>();

  /** One command on one node, as text (ROLE's array reply joined by spaces). */
  private async command(port: number, args: [string, ...string[]]): Promise<string> {
    let conn = this.admin.get(port);
    if (!conn) {
      conn = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null });
      conn.on('error', () => undefined);
      this.admin.set(port, conn);
    }
    const reply = (await conn.call(...args)) as unknown;
    return Array.isArray(reply) ? reply.join(' ') : String(reply);
  }
}
