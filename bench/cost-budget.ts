/**
 * What the largest valid Decide does to everyone else's latency (issue 10:
 * "the largest valid request must not stall other calls for long").
 *
 * A `tact serve` child process (memory state, default policy and budget);
 * this process sends ordinary Decides one at a time and records their
 * latency, first alone, then while a second process sends the largest
 * requests the policy's budget accepts (candidates x features =
 * maxRequestCost) back to back, then requests just over the budget (refused
 * before any scoring). One run, same machine: compare the rows, not the
 * absolute figures (the machine is shared).
 *   npx tsx bench/cost-budget.ts [--calls 400]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { TactClient, type DecideRequest } from '../src/client/index.js';
import { REPO_ROOT } from '../src/core/paths.js';
import { policyConfigSchema } from '../src/policies/policy-config.js';
import { freePort } from '../test/support/free-port.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '400' }, heavy: { type: 'string' }, over: { type: 'boolean', default: false } } });
const say = (s: string) => process.stderr.write(`${s}\n`);

/** The default policy's budget, as the server enforces it. */
const BUDGET = policyConfigSchema.parse({ name: 'default', learner: { kind: 'bayes-shared' } }).maxRequestCost;
const CONTEXT_FEATURES = 10;
const CANDIDATE_FEATURES = 19;

/** Candidates x (1 + features each) + context features == budget (+1 when `over`). */
function largest(over: boolean): DecideRequest {
  const n = Math.floor((BUDGET - CONTEXT_FEATURES) / (1 + CANDIDATE_FEATURES));
  const numeric = (prefix: string, k: number, seed: number) => Object.fromEntries(Array.from({ length: k }, (_, j) => [`${prefix}${j}`, ((seed * 31 + j) % 97) / 97]));
  const candidates = Array.from({ length: n + (over ? 1 : 0) }, (_, i) => ({ id: `item-${i}`, features: { numeric: numeric('f', CANDIDATE_FEATURES, i) } }));
  return { customer_id: 'heavy', trigger: 'browse', context: { numeric: numeric('c', CONTEXT_FEATURES, 7) }, candidates };
}

const ordinary = (i: number): DecideRequest => ({
  customer_id: `c${i % 50}`,
  trigger: 'visit',
  context: { numeric: { x: i % 10 }, categorical: { device: i % 2 ? 'ios' : 'web' } },
  candidates: [{ id: 'a' }, { id: 'b', features: { numeric: { discount: 0.1 } } }, { id: 'c', features: { categorical: { tone: 'calm' } } }],
});

/** The heavy sender: its own process, so building 2,000-candidate messages does not slow the measuring client. */
async function heavyLoop(address: string, over: boolean): Promise<void> {
  const client = new TactClient({ address, maxAttempts: 1, deadlineMs: { decide: 60_000 } });
  await client.connect();
  const request = largest(over);
  let sent = 0;
  let refused = 0;
  const h = histogram();
  process.on('SIGTERM', () => {
    process.stdout.write(JSON.stringify({ sent, refused, p50: h.getValueAtPercentile(50) / 1e3, p99: h.getValueAtPercentile(99) / 1e3 }));
    process.exit(0);
  });
  for (;;) {
    const t0 = process.hrtime.bigint();
    try {
      await client.decide(request);
    } catch {
      refused++;
    }
    h.recordValue(Number(process.hrtime.bigint() - t0) / 1e3);
    sent++;
  }
}

function histogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

interface Row {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly heavy?: { sent: number; refused: number; p50: number; p99: number };
}

async function measure(client: TactClient, calls: number): Promise<Omit<Row, 'name'>> {
  const h = histogram();
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await client.decide(ordinary(i), { deadlineMs: 60_000 });
    h.recordValue(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return { p50: h.getValueAtPercentile(50) / 1e3, p99: h.getValueAtPercentile(99) / 1e3, max: h.maxValue / 1e3 };
}

async function withHeavy(address: string, over: boolean, run: () => Promise<Omit<Row, 'name'>>): Promise<Omit<Row, 'name'>> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cost-budget.ts', '--heavy', address, ...(over ? ['--over'] : [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  // Let it connect and send its first few before measuring.
  await new Promise((r) => setTimeout(r, 3000));
  const row = await run();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { ...row, heavy: JSON.parse(out) as Row['heavy'] & object };
}

async function startServer(): Promise<{ child: ChildProcess; address: string }> {
  const port = await freePort();
  const metrics = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${metrics}`, '--log-level', 'warn'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, address: `127.0.0.1:${port}` };
}

if (values.heavy) {
  await heavyLoop(values.heavy, values.over);
} else {
  const calls = Number(values.calls);
  const { child, address } = await startServer();
  try {
    const client = new TactClient({ address, maxAttempts: 1 });
    await client.connect(90_000);
    say('warming up...');
    await measure(client, 200);
    say('ordinary Decides alone...');
    const alone = await measure(client, calls);
    say('...while another client sends the largest valid requests...');
    const loaded = await withHeavy(address, false, () => measure(client, calls));
    say('...while another client sends requests just over the budget...');
    const refused = await withHeavy(address, true, () => measure(client, calls));
    const rows: Row[] = [
      { name: 'alone', ...alone },
      { name: `beside the largest valid requests (budget ${BUDGET})`, ...loaded },
      { name: `beside requests over the budget (${BUDGET + 1 + CANDIDATE_FEATURES})`, ...refused },
    ];
    const n = Math.floor((BUDGET - CONTEXT_FEATURES) / (1 + CANDIDATE_FEATURES));
    const ms = (x: number) => x.toFixed(1);
    const lines = [
      `# Ordinary Decide latency beside the largest valid requests (${new Date().toISOString()})`,
      '',
      `\`npx tsx bench/cost-budget.ts --calls ${calls}\`: a \`tact serve\` child (memory state, default policy, maxRequestCost ${BUDGET});`,
      `ordinary Decides (3 candidates) one at a time from this process; the other client, its own process, sends`,
      `${n} candidates x ${CANDIDATE_FEATURES} numeric features + ${CONTEXT_FEATURES} context features back to back (cost ${n * (1 + CANDIDATE_FEATURES) + CONTEXT_FEATURES}),`,
      `then one candidate more (refused with REQUEST_TOO_COSTLY before scoring). One run; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end.`,
      '',
      '| ordinary Decide | p50 ms | p99 ms | max ms | the other client: calls, refused, p50 / p99 ms |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.heavy ? `${r.heavy.sent}, ${r.heavy.refused}, ${ms(r.heavy.p50)} / ${ms(r.heavy.p99)}` : '-'} |`),
    ];
    const text = `${lines.join('\n')}\n`;
    process.stdout.write(text);
    writeFileSync(new URL('./results/cost-budget.md', import.meta.url), text);
    client.close();
  } finally {
    child.kill('SIGTERM');
  }
}
