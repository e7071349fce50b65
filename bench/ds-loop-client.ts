/**
 * A scripted client for the data-scientist walkthrough: customers in three
 * segments ask for one of four offers; each segment prefers a different
 * offer (click rates below); held-out customers convert at 0.15 on their own.
 * Run against a server started with --decision-log to produce a real log:
 *   npx tsx bench/ds-loop-client.ts --target 127.0.0.1:50051 --decisions 6000
 */
import * as grpc from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../src/core/random.js';
import type { DecideResponse__Output } from '../src/server/generated/tact/v1/DecideResponse.js';
import { loadTactProto } from '../src/server/proto.js';

const OFFERS = ['free-shipping', 'ten-off', 'bundle', 'reminder'] as const;
const CLICK: Record<string, readonly number[]> = {
  bargain: [0.1, 0.6, 0.2, 0.1],
  loyal: [0.5, 0.1, 0.1, 0.2],
  browser: [0.1, 0.2, 0.1, 0.7],
};
const SEGMENTS = Object.keys(CLICK);
const HOLDOUT_RATE = 0.15;

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: '127.0.0.1:50051' },
    decisions: { type: 'string', default: '6000' },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string', default: '1' },
  },
});
const proto = loadTactProto();
const client = new proto.tact.v1.DecisionService(values.target, grpc.credentials.createInsecure());
const rng = new SeededRandom(Number(values.seed));
const total = Number(values.decisions);
let next = 0;
let clicks = 0;

function decide(i: number, segment: string): Promise<DecideResponse__Output> {
  return new Promise((resolve, reject) =>
    client.Decide(
      {
        customer_id: `cust-${i}`,
        trigger: 'cart_abandoned',
        context: { categorical: { segment }, numeric: { basket_value: 20 + Math.floor(rng.next() * 200) } },
        candidates: OFFERS.map((id) => ({ id, channel: 'email' })),
      },
      { deadline: Date.now() + 5000 },
      (err, res) => (err || !res ? reject(err) : resolve(res)),
    ),
  );
}

function reward(decisionId: string, value: number): Promise<void> {
  return new Promise((resolve, reject) =>
    client.Reward({ decision_id: decisionId, value }, { deadline: Date.now() + 5000 }, (err) => (err ? reject(err) : resolve())),
  );
}

async function worker(): Promise<void> {
  while (next < total) {
    const i = next++;
    const segment = SEGMENTS[Math.floor(rng.next() * SEGMENTS.length)]!;
    const d = await decide(i, segment);
    const choice = d.choices[0];
    const held = d.holdout;
    const p = held ? HOLDOUT_RATE : CLICK[segment]![OFFERS.indexOf(choice!.action_id as (typeof OFFERS)[number])]!;
    if (rng.next() < p) {
      clicks++;
      await reward(d.decision_id, 1);
    }
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
client.close();
process.stdout.write(`${total} decisions, ${clicks} clicks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
