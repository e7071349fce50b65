import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { catalogCandidates } from '../catalog/candidates.js';
import { tactError } from '../core/errors.js';
import { customerTimeZone } from '../domain/customer-state.js';
import { applyContactRules } from '../rules/contact-rules.js';
import { MemoryLogSink } from '../decision/log-sinks.js';
import type { DecisionLine } from '../decision/log-entry.js';
import { NO_SEND_ID } from '../domain/decision.js';
import { CombinationUpliftEstimator, type CombinationUplift, type UpliftKey } from '../evaluation/combination-uplift.js';
import { exportLog, type ExportedDecision } from '../evaluation/export-log.js';
import type { PolicySet } from '../policies/policy-set.js';
import { runSimulation, type SimulatedService } from './runner.js';
import { consentOf, tactService } from './tact-service.js';
import { MarketingWorld } from './world.js';

/**
 * Per-combination uplift estimates (combination-uplift.ts) against the
 * simulated world's known truth. At every decision the world knows the
 * expected reward of each candidate (conversion value, organic conversions
 * included, as the reward the runner reports), so the true uplift of a
 * combination K at that decision is sum over a in K of p_a / P(K) x
 * E[r | a] - E[r | no send], p the logged probabilities: exactly the
 * estimand, averaged over the decisions the estimator used.
 */

export interface UpliftTruthOptions {
  readonly catalog: Catalog;
  readonly policies: PolicySet;
  readonly seed: number;
  readonly rounds: number;
  readonly customers?: number;
  readonly by: readonly UpliftKey[];
  readonly alpha?: number;
  readonly minCount?: number;
  readonly minRewarded?: number;
  /** Keep the run's decision log at this path (default: a temporary file, removed). */
  readonly logPath?: string;
}

export interface CombinationCheck {
  readonly estimate: CombinationUplift;
  /** The true mean uplift over the decisions estimated from. */
  readonly truth: number;
}

/** Run the policy in a fresh world, estimate every combination's uplift from its log, and pair each with the truth. */
export async function checkUpliftAgainstTruth(o: UpliftTruthOptions): Promise<CombinationCheck[]> {
  const world = new MarketingWorld(o.catalog, { seed: o.seed, customers: o.customers ?? 500 });
  const log = new MemoryLogSink();
  const inner = tactService(world, { policies: o.policies, seed: o.seed, log });
  /** decisionId -> candidate id -> E[reward] at decision time. */
  const expected = new Map<string, Map<string, number>>();
  const introduced = new Set<string>();
  const service: SimulatedService = {
    ...inner,
    async decide(input, view) {
      const customer = world.customer(view.id);
      if (!customer) throw tactError('INVARIANT', `uplift truth: unknown customer ${view.id}`);
      // The candidates as the engine will see them, before its decision reserves caps: quiet hours move send times.
      if (!introduced.has(view.id)) {
        introduced.add(view.id);
        await inner.tact.store.setConsent(view.id, consentOf(view));
      }
      const state = await inner.tact.store.loadCustomer(input.customerId, input.at);
      const candidates = catalogCandidates(o.catalog, input.trigger, input.at, customerTimeZone(state));
      const { eligible } = applyContactRules(inner.tact.contactRules.rules, { state, at: input.at, catalog: o.catalog, candidates });
      const values = new Map(eligible.map((c) => [c.id, world.expected(customer, c, input.at).expectedValue]));
      const d = await inner.decide(input, view);
      if (!d.holdout) expected.set(d.decisionId, values);
      return d;
    },
  };
  await runSimulation({ world, service, rounds: o.rounds, seed: o.seed + 1 });
  await inner.tact.close();
  const estimator = new CombinationUpliftEstimator({
    by: o.by,
    ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
    ...(o.minCount !== undefined ? { minCount: o.minCount } : {}),
    ...(o.minRewarded !== undefined ? { minRewarded: o.minRewarded } : {}),
  });
  // Through a file, as `tact uplift --by` reads it: the log's own window bookkeeping decides what is closed.
  const dir = o.logPath === undefined ? mkdtempSync(path.join(tmpdir(), 'tact-uplift-truth-')) : undefined;
  try {
    const file = o.logPath ?? path.join(dir as string, 'decisions.jsonl');
    writeFileSync(file, log.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await exportLog(file, (text) => estimator.add(JSON.parse(text) as ExportedDecision));
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const lines = new Map<string, DecisionLine>();
  for (const l of log.lines) if (l.type === 'decision' && l.mode === 'online') lines.set(l.decisionId, l);
  // Sum and count of the true per-decision uplift, by combination.
  const sums = new Map<string, { sum: number; n: number }>();
  for (const { decisionId, keys } of estimator.offered()) {
    const line = lines.get(decisionId);
    const values = expected.get(decisionId);
    if (!line || !values) throw tactError('INVARIANT', `uplift truth: decision ${decisionId} not seen`);
    const noSend = values.get(NO_SEND_ID) ?? 0;
    const perKey = new Map<string, { p: number; pv: number }>();
    line.candidates.forEach((c, i) => {
      const key = keys[i] as string;
      if (key === '') return;
      const acc = perKey.get(key) ?? { p: 0, pv: 0 };
      acc.p += c.probability;
      acc.pv += c.probability * (values.get(c.id) ?? 0);
      perKey.set(key, acc);
    });
    for (const [key, { p, pv }] of perKey) {
      const s = sums.get(key) ?? { sum: 0, n: 0 };
      s.sum += (p > 0 ? pv / p : 0) - noSend;
      s.n++;
      sums.set(key, s);
    }
  }
  return estimator.results().map((estimate) => {
    const s = sums.get(estimator.keyText(estimate.key));
    return { estimate, truth: s && s.n > 0 ? s.sum / s.n : Number.NaN };
  });
}

/** Share of checks whose interval holds the truth, per estimator, among combinations with enough data. */
export function coverage(checks: readonly CombinationCheck[]): { combinations: number; ips: number; dr: number; holdout: number; holdoutCombinations: number } {
  const ok = checks.filter((c) => !c.estimate.tooLittleData && Number.isFinite(c.truth));
  const holds = (i: { ciLow: number; ciHigh: number } | undefined, t: number) => i !== undefined && i.ciLow <= t && t <= i.ciHigh;
  const share = (n: number, d: number) => (d > 0 ? n / d : Number.NaN);
  const withHoldout = ok.filter((c) => c.estimate.holdout);
  return {
    combinations: ok.length,
    ips: share(ok.filter((c) => holds(c.estimate.ips, c.truth)).length, ok.length),
    dr: share(ok.filter((c) => holds(c.estimate.dr, c.truth)).length, ok.length),
    holdout: share(withHoldout.filter((c) => holds(c.estimate.holdout, c.truth)).length, withHoldout.length),
    holdoutCombinations: withHoldout.length,
  };
}
