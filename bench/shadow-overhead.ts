/**
 * What shadow (apprentice) scoring adds to Decide, in process: the same
 * decisions with 0, 1 and 2 shadow policies, decision log to a file (its
 * JSON serialisation is part of the cost). Prints one markdown table.
 *   npx tsx bench/shadow-overhead.ts [--decisions 4000] [--candidates 50]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema } from '../src/config.js';
import { JsonlFileLogSink } from '../src/decision/log-sinks.js';
import type { Candidate } from '../src/domain/decision.js';
import { features } from '../src/domain/features.js';
import { createTact } from '../src/main.js';
import { parsePolicies } from '../src/policies/load-policies.js';
import { PolicySet } from '../src/policies/policy-set.js';

const { values } = parseArgs({ options: { decisions: { type: 'string', default: '4000' }, candidates: { type: 'string', default: '50' } } });
const N = Number(values.decisions);
const K = Number(values.candidates);
const dir = mkdtempSync(path.join(tmpdir(), 'tact-shadow-bench-'));
const candidates: Candidate[] = Array.from({ length: K }, (_, i) => ({
  id: `offer-${i}`, channel: '', messageId: '', sendSlot: '', sendAt: 0, noSend: false, cost: 0, features: features(),
}));
const shadow = (name: string) => `  - name: ${name}\n    shadow: true\n    exploration: { kind: squarecb }\n`;

async function run(shadows: number): Promise<number> {
  const yaml = `default: champion\npolicies:\n  - name: champion\n${Array.from({ length: shadows }, (_, i) => shadow(`s${i}`)).join('')}`;
  const tact = createTact(configSchema.parse({ logLevel: 'silent' }), {
    policies: PolicySet.fromConfig(parsePolicies(yaml, 'bench')),
    log: new JsonlFileLogSink(path.join(dir, `log-${shadows}.jsonl`)),
    seed: 1,
  });
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const numeric: Record<string, number> = {};
    for (let f = 0; f < 20; f++) numeric[`f${f}`] = (i * 7 + f * 13) % 17;
    const t0 = process.hrtime.bigint();
    const d = await tact.engine.decide({ customerId: `c${i}`, trigger: 't', context: features(numeric, { seg: `s${i % 5}` }), candidates, topK: 1, at: Date.now(), explain: false });
    times.push(Number(process.hrtime.bigint() - t0) / 1e3);
    if (i % 3 === 0) await tact.joiner.reward({ decisionId: d.decisionId, value: 1 });
  }
  await tact.close();
  const warm = times.slice(Math.floor(N / 4)).sort((a, b) => a - b);
  return warm[Math.floor(warm.length / 2)]!;
}

const base = await run(0);
const rows = [`| shadows | median Decide (µs) | overhead |`, `| --- | --- | --- |`, `| 0 | ${base.toFixed(0)} | - |`];
for (const s of [1, 2]) {
  const t = await run(s);
  rows.push(`| ${s} | ${t.toFixed(0)} | +${(t - base).toFixed(0)} µs (+${(((t - base) / base) * 100).toFixed(0)}%) |`);
}
process.stdout.write(`Decide with K=${K} candidates, 21 context features, ${N} decisions (median of the last 75%), Node ${process.version}\n\n${rows.join('\n')}\n`);
