/**
 * How long `npm start` takes to serve: from spawning `npm start` to the
 * "tact serving" log line, then SIGTERM. Run on an unchanged checkout, the
 * pre-step (scripts/build-if-stale.mjs) compiles nothing. On a shared,
 * loaded machine wall time says more about the neighbours than about Tact, so
 * the CPU seconds of the whole process tree (GNU time) are printed too, with
 * `node -e 0` timed the same way as the yardstick.
 *   npx tsx bench/start-up.ts [--runs 3]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../test/support/free-port.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const root = fileURLToPath(new URL('..', import.meta.url));

const GNU_TIME = '/usr/bin/time';
const CPU = /^cpu ([\d.]+) ([\d.]+)$/m;

interface Run {
  readonly wallMs: number;
  /** User + system CPU seconds of the whole tree, up to the exit after SIGTERM; NaN without GNU time. */
  readonly cpuS: number;
}

/** Spawns `command` under GNU time, waits for `ready` in its output (or its exit), then SIGTERMs it. */
async function timed(command: string[], ready?: string): Promise<Run> {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? [GNU_TIME, '-f', 'cpu %U %S', ...command] : command;
  const started = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    let wallMs: number | undefined;
    const onData = (b: Buffer) => {
      seen += b.toString();
      if (ready && wallMs === undefined && seen.includes(ready)) {
        wallMs = performance.now() - started;
        // GNU time passes nothing on; signal the server (npm's child), which drains and exits 0.
        void signalServer(child.pid!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (ready && wallMs === undefined) return reject(new Error(`${command.join(' ')} exited ${code} before "${ready}":\n${seen}`));
      const cpu = CPU.exec(seen);
      resolve({ wallMs: wallMs ?? performance.now() - started, cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN });
    });
  });
}

/** SIGTERM to the node process serving, found as the deepest descendant of `pid`. */
async function signalServer(pid: number): Promise<void> {
  let leaf = pid;
  for (;;) {
    const children = (await readFile(`/proc/${leaf}/task/${leaf}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
    if (children.length === 0) break;
    leaf = Number(children[0]);
  }
  process.kill(leaf, 'SIGTERM');
}

const fmt = (r: Run): string => `${(r.wallMs / 1000).toFixed(2)} s wall, ${r.cpuS.toFixed(2)} s CPU`;
const runs: Run[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const [port, metrics] = [await freePort(), await freePort()];
  runs.push(await timed(['npm', 'start', '--silent', '--', '--listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${metrics}`], '"tact serving"'));
}
const yardstick = await timed([process.execPath, '-e', '0']);
console.log(`npm start -> "tact serving" (then SIGTERM): ${runs.map(fmt).join('; ')}`);
console.log(`yardstick node -e 0: ${fmt(yardstick)}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`);
