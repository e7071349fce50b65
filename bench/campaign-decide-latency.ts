/**
 * Decide latency over gRPC while an outbound campaign runs on the same
 * replica (memory mode): p50/p99 of sequential Decide calls for a while
 * without a campaign, then while a 10,000-member campaign scores and
 * decides at its rate limit.
 *   npx tsx bench/campaign-decide-latency.ts [--seconds 10] [--rate 200]
 */
import { loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as hdr from 'hdr-histogram-js';
import { parseCatalog } from '../src/catalog/load.js';
import { serve } from '../src/cli/serve.js';
import { configSchema } from '../src/config.js';
import { loadTactProto } from '../src/server/proto.js';
import type { DecisionServiceClient } from '../src/server/generated/tact/v1/DecisionService.js';

const CATALOG = `
channels:
  - { id: email, cost: 0.001, consent: opt_out }
  - { id: sms, cost: 0.05, consent: opt_out }
send_slots: [{ id: now, delay_minutes: 0 }, { id: evening, local_time: "19:00" }]
triggers: [{ id: autumn }, { id: browse }]
messages:
  - { id: autumn_offer, triggers: [autumn], channels: [sms, email], category: shoes, value: 80 }
  - { id: pick_a, triggers: [browse], channels: [email, sms], category: shoes, value: 60 }
  - { id: pick_b, triggers: [browse], channels: [email], category: bags, value: 90 }
segments:
  - id: free_users
    all: [{ attribute: { name: plan, in: [free] } }]
`;

async function measure(client: DecisionServiceClient, seconds: number): Promise<{ p50: number; p99: number; calls: number }> {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  const end = Date.now() + seconds * 1000;
  let i = 0;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) =>
      client.Decide({ customer_id: `online-${i++ % 5000}`, trigger: 'browse', context: { numeric: { basket: 40 } } }, (err) => (err ? reject(err) : resolve())),
    );
    h.recordValue(Number(process.hrtime.bigint() - t0));
  }
  return { p50: h.getValueAtPercentile(50) / 1e6, p99: h.getValueAtPercentile(99) / 1e6, calls: i };
}

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '200' } } });
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const running = await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', adminListen: '127.0.0.1:0', logLevel: 'silent', seed: 9 }), {
  catalog: parseCatalog(CATALOG, 'bench'),
});
const { tact, campaigns } = { tact: running.tact, campaigns: running.campaigns };
for (let i = 0; i < 10_000; i++) {
  const id = `m${i}`;
  const at = Date.now();
  await tact.store.recordEvent(id, { type: 'profile_update', at, attributes: { numeric: { affinity: Math.random() }, categorical: { plan: 'free' } } });
  await campaigns.segments.onEvent({ customerId: id, name: 'profile_update', at });
}
const proto = loadTactProto();
const client = new proto.tact.v1.DecisionService(`127.0.0.1:${running.grpc.port}`, grpc.credentials.createInsecure());
await measure(client, 2); // warm-up
const quiet = await measure(client, seconds);
await campaigns.campaigns.start({ id: 'bench', segment: 'free_users', trigger: 'autumn', budgets: { perChannelPerDay: { sms: 500 } }, ratePerSecond: rate });
const busy = await measure(client, seconds);
const progress = (await campaigns.campaigns.get('bench')).progress;
client.close();
await running.stop();
const line = (name: string, f: { p50: number; p99: number; calls: number }) =>
  `| ${name} | ${f.calls} | ${f.p50.toFixed(3)} | ${f.p99.toFixed(3)} |`;
const text = `# Decide latency while a campaign runs (${new Date().toISOString()})

\`npx tsx bench/campaign-decide-latency.ts --seconds ${seconds} --rate ${rate}\`: one memory-mode replica serving
sequential Decide calls over gRPC (loopback, K=4 candidates), first alone for ${seconds} s, then for ${seconds} s while a
campaign over 10,000 segment members runs on the same process at ${rate} decisions/s (scoring at 4x that).
Load average at the end: ${loadavg()
  .map((x) => x.toFixed(2))
  .join(' ')} (2 cores, shared).

| phase | Decide calls | p50 ms | p99 ms |
| --- | --- | --- | --- |
${line('no campaign', quiet)}
${line('campaign running', busy)}

During the second phase the campaign scored ${progress.scored}, reached ${progress.seen} and decided ${progress.decided} members
(phase ${progress.phase}).
`;
console.log(text);
writeFileSync(new URL('./results/campaign-decide-latency.md', import.meta.url), text);
