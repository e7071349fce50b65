/**
 * `npm run bench`: every load scenario in sequence, one table with the
 * floor and the ratios, written to bench/results/summary.md with the
 * latency-vs-throughput chart. Ratios come from one run, since absolute
 * figures on shared 2-core machines drift by 2x between runs.
 *   npm run bench [-- --seconds 5]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { latencyChart } from './load/chart.js';
import { decideTable, runDecide, type DecideFigures } from './load/decide.js';
import { rewardTable, runReward } from './load/reward.js';
import { runLearnerUpdates } from './learner-updates.js';
import { inProcessLine, runDecideInProcess } from './decide-inprocess.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
const results = new URL('./results/', import.meta.url);
const say = (s: string) => process.stderr.write(`${s}\n`);

const decide: DecideFigures[] = [];
for (const k of [20, 100, 1000]) {
  say(`Decide K=${k}...`);
  const f = await runDecide(k, seconds, k === 20);
  decide.push(f);
  writeFileSync(new URL(`decide-k${k}.md`, results), `# Decide at K=${k} vs the gRPC floor\n\n${decideTable(f)}\n`);
}
say('Reward ingest...');
const reward = await runReward(seconds);
say('Decide in process...');
const inProcess = [await runDecideInProcess(100, 10_000), await runDecideInProcess(1000, 2_000)];
const ip = (n: number) => inProcess.find((f) => f.k === n)!;
say('Learner updates...');
const learner = await runLearnerUpdates();
say('Memory per decision...');
// Its own process: --expose-gc, and a heap not shared with the rest of the run.
const memoryLine = execFileSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', fileURLToPath(new URL('./memory-per-decision.ts', import.meta.url))],
  { encoding: 'utf8' },
).trim();
const bytes = Number(/: (\d+) bytes/.exec(memoryLine)?.[1] ?? NaN);

const k = (n: number) => decide.find((f) => f.k === n)!;
const ratio = (f: DecideFigures) => f.tact.callsPerSecond / f.floor.callsPerSecond;
const pass = (ok: boolean) => (ok ? 'met' : '**missed**');
const streamRate = reward.stream.tact.callsPerSecond * 1000;
const targets = [
  '| target | reached | |',
  '| --- | --- | --- |',
  `| Decide throughput K=20 >= 0.6x floor | ${ratio(k(20)).toFixed(2)}x (${k(20).tact.callsPerSecond.toFixed(0)} vs ${k(20).floor.callsPerSecond.toFixed(0)} calls/s) | ${pass(ratio(k(20)) >= 0.6)} |`,
  `| Decide throughput K=100 >= 0.4x floor | ${ratio(k(100)).toFixed(2)}x (${k(100).tact.callsPerSecond.toFixed(0)} vs ${k(100).floor.callsPerSecond.toFixed(0)} calls/s) | ${pass(ratio(k(100)) >= 0.4)} |`,
  `| server-side Decide p99 K=100 < 0.25 ms | in process ${ip(100).p99.toFixed(3)} ms (p50 ${ip(100).p50.toFixed(3)}); under load at 50% ${k(100).serverAtHalf.p99.toFixed(3)} ms | ${pass(ip(100).p99 < 0.25)} |`,
  `| server-side Decide p99 K=1000 < 2.5 ms | in process ${ip(1000).p99.toFixed(3)} ms (p50 ${ip(1000).p50.toFixed(3)}); under load at 50% ${k(1000).serverAtHalf.p99.toFixed(3)} ms | ${pass(ip(1000).p99 < 2.5)} |`,
  `| RewardStream >= 20,000 rewards/s | ${streamRate.toFixed(0)} rewards/s (${(reward.stream.tact.callsPerSecond / reward.stream.floor.callsPerSecond).toFixed(2)}x floor) | ${pass(streamRate >= 20_000)} |`,
  `| memory per decision held < 1 KB | ${bytes} bytes | ${pass(bytes < 1024)} |`,
  `| learner updates in process | ${learner.updatesPerSecond.toFixed(0)} updates/s | - |`,
].join('\n');

const chart = latencyChart('Decide K=20: latency vs throughput (h2load, loopback)', [
  { name: 'floor (bare grpc-js)', colour: '#888888', points: k(20).floorCurve },
  { name: 'tact', colour: '#d62728', points: k(20).tactCurve },
]);
writeFileSync(new URL('decide-latency-throughput.svg', results), chart);

const doc = [
  `# Tact benchmarks vs the gRPC floor`,
  '',
  `\`npm run bench\` on Node ${process.version}, ${new Date().toISOString()}, ${seconds} s per load point. Loopback, 2 shared cores: h2load (one thread) and the server each get about one core. Figures in parentheses are ratios to the floor measured in the same run: a bare grpc-js server with the same service definition answering a constant response of the same size. The Decide load repeats one request body, so one customer; its candidates use channels outside the catalog, so no frequency cap binds and every call goes the whole way: rules, the default learner scoring K candidates, exploration, sampling, the decision held for its window, one choice answered (the floor answers with that same response).`,
  '',
  '## Targets',
  '',
  targets,
  '',
  ...decide.flatMap((f) => [`## Decide K=${f.k}`, '', decideTable(f), '']),
  '## Latency vs throughput (K=20)',
  '',
  '![latency vs throughput](decide-latency-throughput.svg)',
  '',
  '## Server-side Decide time in process',
  '',
  ...inProcess.map(inProcessLine),
  '',
  '## Reward ingest',
  '',
  rewardTable(reward),
  '',
  '## Memory',
  '',
  memoryLine,
  '',
].join('\n');
writeFileSync(new URL('summary.md', results), doc);
console.log(doc);
