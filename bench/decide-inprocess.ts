/**
 * Server-side Decide time without the network: engine.decide called in
 * process, one call at a time, so the figure is the pipeline's own cost and
 * not queueing behind other calls (the under-load figures are in
 * decide-k*.md). Requests are decoded fresh for each call, as gRPC would.
 *   npx tsx bench/decide-inprocess.ts [--k 100] [--calls 20000]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { configSchema } from '../src/config.js';
import { createTact } from '../src/main.js';
import { toDecideInput } from '../src/server/validate.js';
import type { DecideRequest__Output } from '../src/server/generated/tact/v1/DecideRequest.js';
import { decideRequest, method } from './load/messages.js';

export interface InProcessFigures {
  readonly k: number;
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

export async function runDecideInProcess(k: number, calls = 20_000): Promise<InProcessFigures> {
  const tact = createTact(configSchema.parse({ logLevel: 'silent', seed: 5 }));
  const m = method('Decide');
  const bytes = m.requestSerialize(decideRequest(k));
  const fresh = () => m.requestDeserialize(bytes) as DecideRequest__Output;
  // Warm-up with rewards, so the learner has statistics for every action.
  for (let i = 0; i < 3000; i++) {
    const d = await tact.engine.decide(toDecideInput(fresh(), Date.now()));
    await tact.joiner.reward({ decisionId: d.decisionId, value: i % 4 === 0 ? 5 : 0 });
  }
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  for (let i = 0; i < calls; i++) {
    const input = toDecideInput(fresh(), Date.now());
    const t0 = process.hrtime.bigint();
    await tact.engine.decide(input);
    h.recordValue(Number(process.hrtime.bigint() - t0));
  }
  await tact.close();
  const ms = (p: number) => h.getValueAtPercentile(p) / 1e6;
  return { k, calls, p50: ms(50), p99: ms(99), p999: ms(99.9) };
}

export function inProcessLine(f: InProcessFigures): string {
  return `K=${f.k}: engine.decide p50 ${f.p50.toFixed(3)} ms, p99 ${f.p99.toFixed(3)} ms, p999 ${f.p999.toFixed(3)} ms (${f.calls} sequential calls, default policy, learner warmed with 3000 rewards)`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { k: { type: 'string', default: '100' }, calls: { type: 'string', default: '20000' } } });
  const line = inProcessLine(await runDecideInProcess(Number(values.k), Number(values.calls)));
  console.log(line);
  writeFileSync(new URL(`./results/decide-inprocess-k${values.k}.md`, import.meta.url), `# Server-side Decide time in process (${new Date().toISOString()})\n\n${line}\n`);
}
