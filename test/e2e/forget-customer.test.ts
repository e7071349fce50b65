import { JsonlFileLogSink } from '../../src/decision/log-sinks.js';
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { ManualClock } from '../../src/core/clock.js';
import { idempotencyKey } from '../../src/core/idempotency-key.js';
import type { Features } from '../../src/domain/features.js';
import type { ActionRef, Learner } from '../../src/learners/learner.js';
import { DEFAULT_POLICIES } from '../../src/policies/policy-config.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { LearningUpdate } from '../../src/store/store.js';
import { grpcError, TestClient } from '../support/grpc-client.js';

const DAY = 86_400_000;
const NOON = Date.UTC(2026, 0, 5, 12);
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: 0 });
const GONE = 'forget-me';

/**
 * The online scales are unlearned with the rest, on a histogram of each
 * feature's values, but a removed value that was the largest of its
 * histogram bin (9% wide) leaves that largest in place (see FeatureScaler).
 * So the forgotten customer's numeric values stay inside the other
 * customers' range (and use the same categorical values), as they do in
 * production for all but the most extreme customer.
 */
const CUSTOMERS: Record<string, { age: number; segment: string; baskets: number[] }> = {
  a: { age: 20, segment: 'vip', baskets: [10, 300, 80, 150] },
  [GONE]: { age: 35, segment: 'vip', baskets: [120, 60, 200, 90] },
  b: { age: 60, segment: 'new', baskets: [40, 220, 15, 110] },
  c: { age: 45, segment: 'new', baskets: [70, 30, 260, 180] },
};

/**
 * The same candidates for everyone, described by features so the default
 * learner's shared model learns them: each is chosen by customers other than
 * the forgotten one too, so the features and their scales do not hang on
 * that customer alone (the same reason as for CUSTOMERS).
 */
const CANDIDATES = ['email', 'sms'].flatMap((channel) =>
  ['shoes', 'coats'].map((category) => ({ id: `${category}-${channel}`, channel, features: { numeric: {}, categorical: { category } } })),
);

describe('ForgetCustomer end to end', () => {
  let dir: string;
  let logFile: string;
  let store: MemoryStore;
  let clock: ManualClock;
  let running: RunningTact;
  let client: TestClient;
  const published: LearningUpdate[] = [];
  const goneDecisions: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tact-forget-'));
    logFile = path.join(dir, 'decisions.jsonl');
    store = new MemoryStore();
    clock = new ManualClock(NOON);
    // Rounds are dated a month apart while the clock stays put (a simulation): the future skew is wide.
    const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', seed: 5, decisionLog: logFile, maxFutureSkewMs: 365 * 86_400_000 });
    running = await serve(config, { clock, store });
    store.subscribe((u) => published.push(u));
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);

    for (const [id, c] of Object.entries(CUSTOMERS)) {
      await client.recordEvent({ customer_id: id, type: 'PROFILE_UPDATE', attributes: { numeric: { age: c.age }, categorical: { segment: c.segment } } });
      await client.setConsent({ customer_id: id, channels: { sms: true } });
    }
    // Rounds 31 days apart, so no round sees the previous round's sends (sends_7d and the
    // 30-day per-channel engagement features stay 0 for all): those counts feed the online
    // scales, which forgetting rolls back only up to a histogram bin (see CUSTOMERS).
    for (let round = 0; round < 4; round++) {
      for (const [id, c] of Object.entries(CUSTOMERS)) {
        const d = await client.decide({
          customer_id: id,
          trigger: 'cart_abandoned',
          top_k: 2,
          at: ts(NOON + round * 31 * DAY),
          context: { numeric: { basket_value: c.baskets[round]! } },
          candidates: CANDIDATES,
        });
        if (id === GONE) goneDecisions.push(d.decision_id);
        if (round % 2 === 0) await client.reward({ decision_id: d.decision_id, value: c.baskets[round]! / 4 });
        // A second reward for the same action corrects the target (combine: sum): the ledger holds both.
        if (id === GONE && round === 2) await client.reward({ decision_id: d.decision_id, value: 12 });
      }
    }
    // Close every attribution window: unrewarded choices learn the default reward.
    clock.advance(2 * DAY);
    await running.tact.joiner.sweep();
    await running.tact.log.flush();
  });

  afterAll(async () => {
    client.close();
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("removes the customer's learning exactly: the learner equals one that never saw them", async () => {
    const goneUpdates = published.filter((u) => u.customerId === GONE);
    const othersChose = new Set(published.filter((u) => u.customerId !== GONE).map((u) => u.actionId));
    for (const u of goneUpdates) expect(othersChose).toContain(u.actionId);
    expect(goneUpdates.some((u) => u.previousReward !== undefined)).toBe(true);
    const reference = PolicySet.fromConfig(DEFAULT_POLICIES).get();
    for (const u of published) if (u.customerId !== GONE) reference.apply(u);

    const live = running.tact.policies.get().learner;
    // Scored as the engine scores them: with the features they were learned with.
    const actions = [...new Map(published.map((u) => [u.actionId, { id: u.actionId, features: u.actionFeatures }])).values()];
    const probes: Features[] = published.filter((u) => u.customerId !== GONE).map((u) => u.context);
    // The comparison has teeth: before forgetting, the customer visibly moved the model.
    expect(maxDifference(live, reference.learner, probes, actions)).toBeGreaterThan(1e-3);

    const response = await client.forgetCustomer(GONE);
    expect(Number(response.updates_removed)).toBe(goneUpdates.length);
    expect(Number(response.decisions_erased)).toBe(0); // windows closed already: swept, nothing held
    // Every replica gets the removals, newest first.
    const removals = published.filter((u) => u.unlearn);
    expect(removals.map((u) => u.decisionId)).toEqual([...goneUpdates].reverse().map((u) => u.decisionId));

    const worst = maxDifference(live, reference.learner, probes, actions);
    expect(worst).toBeLessThan(1e-8);
  });

  it('leaves no key and no log line of the customer', async () => {
    await client.forgetCustomer(GONE); // idempotent
    const keys = store.debugCustomerKeys();
    for (const [kind, ids] of Object.entries(keys)) expect(ids, kind).not.toContain(GONE);
    expect(keys.customers).toEqual(expect.arrayContaining(['a', 'b', 'c']));
    // The log erases forgotten customers by a deadline (one compaction for every forget since the last): run it now.
    await (running.tact.log as JsonlFileLogSink).compact();
    const text = readFileSync(logFile, 'utf8');
    expect(text).not.toContain(GONE);
    for (const id of goneDecisions) expect(text).not.toContain(id);
    expect(text).toContain('"customerId":"a"');
    // Its window has closed: a late reward is reported expired and learns nothing.
    expect((await client.reward({ decision_id: goneDecisions[0]!, value: 1 })).status).toBe('EXPIRED');
  });

  it('erases decisions still inside their window, with their request ids', async () => {
    const d = await client.decide({ customer_id: 'late', trigger: 'cart_abandoned', request_id: 'late-1', at: ts(clock.now()) });
    // The store's key for the request id, scoped by customer and caller (none here).
    const requestKey = idempotencyKey(['late', '', 'late-1']);
    expect(await store.findByRequestId('late', requestKey)).toBeDefined();
    const response = await client.forgetCustomer('late');
    expect(Number(response.decisions_erased)).toBe(1);
    expect(await store.findByRequestId('late', requestKey)).toBeUndefined();
    const err = await grpcError(client.reward({ decision_id: d.decision_id, value: 1 }));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
  });
});

/** Largest difference in mean and width over probe contexts and actions, relative to magnitude. */
function maxDifference(a: Learner, b: Learner, contexts: readonly Features[], actions: readonly ActionRef[]): number {
  const n = actions.length;
  let worst = 0;
  for (const context of contexts) {
    const outA = { mean: new Float64Array(n), width: new Float64Array(n) };
    const outB = { mean: new Float64Array(n), width: new Float64Array(n) };
    a.score(a.prepare(context), actions, outA);
    b.score(b.prepare(context), actions, outB);
    for (let i = 0; i < n; i++) {
      for (const [x, y] of [[outA.mean[i]!, outB.mean[i]!], [outA.width[i]!, outB.width[i]!]] as const) {
        worst = Math.max(worst, Math.abs(x - y) / (1 + Math.abs(y)));
      }
    }
  }
  return worst;
}
