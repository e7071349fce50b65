/**
 * Memory per decision held in the attribution window: heap after 100k
 * decisions minus heap before, both after a full GC, divided by 100k.
 *   node --expose-gc --import tsx bench/memory-per-decision.ts [--decisions 100000] [--k 20]
 * Candidates are built fresh per call, as gRPC decoding would, so a held
 * decision cannot share its features with the next one.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configSchema } from '../src/config.js';
import { createTact } from '../src/main.js';
import { toDecideInput } from '../src/server/validate.js';
import { decideRequest } from './load/messages.js';
import type { DecideRequest__Output } from '../src/server/generated/tact/v1/DecideRequest.js';

export interface MemoryFigures {
  readonly decisions: number;
  readonly k: number;
  readonly bytesPerDecision: number;
  readonly held: number;
}

/**
 * `customers`: 0 = a new customer per decision (the figure then includes each
 * customer's own state: send counters for caps); N = decisions cycle over N
 * customers, whose state is then a fixed cost, so the figure is the window's
 * own cost per decision. Channels are renamed out of the catalog so caps do
 * not turn the later decisions into (smaller) forced no-sends.
 */
export async function runMemory(decisions = 100_000, k = 20, customers = 0): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const tact = createTact(configSchema.parse({ logLevel: 'silent', seed: 3 }));
  const proto = (customer: string) => {
    const req = decideRequest(k, customer);
    const candidates = customers > 0 ? req.candidates?.map((c) => ({ ...c, channel: `bench_${c.channel}` })) : req.candidates;
    return { ...req, candidates, at: null, top_k: 1, policy: '', request_id: '', explain: false } as unknown as DecideRequest__Output;
  };
  const customerOf = (i: number) => (customers > 0 ? `c${i % customers}` : `c${i}`);
  // Warm up the JIT and the learner's vocabulary, so what grows is the window.
  for (let i = 0; i < 2000; i++) await tact.engine.decide(toDecideInput(proto(`w${i}`), Date.now()));
  const heldBefore = await tact.store.countDecisions();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < decisions; i++) await tact.engine.decide(toDecideInput(proto(customerOf(i)), Date.now()));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const held = (await tact.store.countDecisions()) - heldBefore;
  await tact.close();
  return { decisions, k, held, bytesPerDecision: (after - before) / held };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      decisions: { type: 'string', default: '100000' },
      k: { type: 'string', default: '20' },
      customers: { type: 'string', default: '1000' },
    },
  });
  // One measurement per process: a second run in the same heap is skewed by what the first left behind.
  const f = await runMemory(Number(values.decisions), Number(values.k), Number(values.customers));
  const who = Number(values.customers) > 0 ? `for ${values.customers} customers` : 'each for a new customer (includes its send counters)';
  const line = `${f.held} decisions held ${who} (K=${f.k}, top_k=1, default window): ${f.bytesPerDecision.toFixed(0)} bytes of heap per decision (target < 1024).`;
  console.log(line);
  writeFileSync(new URL('./results/memory-per-decision.md', import.meta.url), `# Memory per decision held (${new Date().toISOString()})\n\n${line}\n`);
}
