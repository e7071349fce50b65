/**
 * The real run of docs/campaigns.md, section 6: two segments, a budgeted
 * campaign over each, conversions reported back, and the per-combination
 * uplift read from the decision log. Everything goes through a `tact serve`
 * process and the `tact` CLI, as an operator would; the customers and their
 * conversions are simulated here (a conversion rate per segment and channel,
 * and customers who buy without any message), so the printed uplift can be
 * checked against what was put in.
 *
 *   npx tsx docs/examples/campaign-run.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TactClient } from '../../src/client/index.js';
import { REPO_ROOT } from '../../src/core/paths.js';
import { SeededRandom } from '../../src/core/random.js';
import { freePort } from '../../test/support/free-port.js';

const CUSTOMERS = 2000;
const VALUE = 60;
/** Conversion probability by segment and channel ("none": no message, or a holdout). */
const RATE: Record<string, Record<string, number>> = {
  autumn_shoppers: { none: 0.05, email: 0.12, sms: 0.2, push: 0.08 },
  lapsing: { none: 0.02, email: 0.05, sms: 0.06, push: 0.03 },
};

const dir = mkdtempSync(path.join(tmpdir(), 'tact-campaign-run-'));
const catalog = path.join(dir, 'catalog.yaml');
writeFileSync(
  catalog,
  `${readFileSync(path.join(REPO_ROOT, 'models/catalog.yaml'), 'utf8')}
lifecycle: { new_days: 14, active_days: 30, lapsed_days: 90 }
segments:
  - id: autumn_shoppers
    description: viewed shoes twice this week
    all: [{ events: { event: page_view, category: shoes, within_days: 7, min: 2 } }]
  - id: lapsing
    all: [{ lifecycle: { in: [lapsing] } }]
`,
);
const policies = path.join(dir, 'policies.yaml');
// A 20% control holdout, wide exploration (a new policy has learned nothing, so every channel and
// no-send get tried), and a window short enough to read the uplift at once.
writeFileSync(policies, 'policies:\n  - name: default\n    holdout: 0.2\n    exploration: { kind: epsilon-greedy, epsilon: 0.5 }\n    reward: { windowSeconds: 20 }\n');
const log = path.join(dir, 'decisions.jsonl');

const show = (cmd: string, out: string) => process.stdout.write(`$ ${cmd}\n${out}${out.endsWith('\n') ? '' : '\n'}\n`);
function tact(args: string[], target: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, ...(args[0] === 'campaign' ? ['--target', target] : [])], { cwd: REPO_ROOT, encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  show(`tact ${args.join(' ').replace(dir, '.')}`, out.replaceAll(dir, '.'));
  return out;
}

const [port, admin, metrics] = [await freePort(), await freePort(), await freePort()];
const server = spawn(
  process.execPath,
  ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--catalog', catalog, '--policies', policies, '--decision-log', log,
    '--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${admin}`, '--metrics-listen', `127.0.0.1:${metrics}`, '--log-level', 'warn'],
  { cwd: REPO_ROOT, stdio: 'ignore' },
);
const client = new TactClient({ address: `127.0.0.1:${port}` });
const target = `127.0.0.1:${admin}`;
try {
  await client.connect(90_000);
  const rng = new SeededRandom(7);
  const now = Date.now();
  const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: 0 });
  // Half the customers looked at shoes two or three times this week; the other half were last seen 40-80 days ago.
  for (let i = 0; i < CUSTOMERS; i++) {
    const id = `cust-${String(i).padStart(4, '0')}`;
    await client.setConsent({ customer_id: id, channels: { email: true, sms: rng.next() < 0.5, push: true }, time_zone: 'Europe/Berlin' });
    const recent = i % 2 === 0;
    const views = recent ? 2 + Math.floor(rng.next() * 2) : 1;
    for (let v = 0; v < views; v++) {
      const ago = recent ? rng.next() * 6 * 86_400_000 : (40 + rng.next() * 40) * 86_400_000;
      await client.recordEvent({ customer_id: id, type: 'CUSTOM', name: 'page_view', category: 'shoes', at: ts(now - ago) });
    }
  }
  tact(['campaign', 'members', 'autumn_shoppers', '--page-size', '3'], target);
  tact(['campaign', 'members', 'lapsing', '--page-size', '3'], target);
  tact(['campaign', 'start', 'autumn-2026', '--segment', 'autumn_shoppers', '--trigger', 'browse', '--budget', 'push=100', '--rate', '200'], target);
  tact(['campaign', 'start', 'winback-2026', '--segment', 'lapsing', '--trigger', 'browse', '--budget', 'push=100', '--rate', '200'], target);
  const finished = (id: string): boolean => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'campaign', 'get', id, '--json', '--target', target], { cwd: REPO_ROOT, encoding: 'utf8' });
    return /"phase":\s*"CAMPAIGN_PHASE_DONE"/.test(r.stdout);
  };
  do await new Promise((r) => setTimeout(r, 2000));
  while (!finished('autumn-2026') || !finished('winback-2026'));
  tact(['campaign', 'get', 'autumn-2026'], target);
  tact(['campaign', 'get', 'winback-2026'], target);
  await new Promise((r) => setTimeout(r, 1500)); // the decision log is written in batches

  // Conversions: each campaign decision's customer buys with the rate of its segment and of the channel it got.
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const segmentOf = new Map(lines.filter((l) => l['type'] === 'campaign').map((l) => [l['decisionId'] as string, l['segment'] as string]));
  let conversions = 0;
  for (const l of lines) {
    if (l['type'] !== 'decision' || l['mode'] !== 'online') continue;
    const segment = segmentOf.get(l['decisionId'] as string);
    if (!segment) continue;
    const chosen = (l['chosen'] as string[])[0] ?? '';
    const channel = chosen.split(':')[1] ?? 'none';
    if (rng.next() >= (RATE[segment]?.[channel === 'none' || l['holdout'] ? 'none' : channel] ?? 0)) continue;
    await client.reward({ decision_id: l['decisionId'] as string, value: VALUE, event_id: `order-${conversions}` });
    conversions++;
  }
  process.stdout.write(`(${conversions} conversions of ${VALUE} EUR reported with Reward)\n\n`);
  await new Promise((r) => setTimeout(r, 22_000)); // every window closes; the sweep writes the rest's default reward
} finally {
  client.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}
tact(['uplift', '--log', log, '--by', 'segment,channel'], target);
