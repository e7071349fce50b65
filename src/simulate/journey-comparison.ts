import type { Catalog } from '../catalog/catalog.js';
import type { PoliciesFile } from '../policies/policy-config.js';
import { PolicySet } from '../policies/policy-set.js';
import { runJourneySimulation, type JourneyPolicy, type JourneySimResult } from './journey-sim.js';
import { uniformPolicySet } from './policy-comparison.js';
import { MarketingWorld } from './world.js';

export interface JourneyComparisonOptions {
  readonly catalog: Catalog;
  readonly policies: PoliciesFile;
  /** Policies of the file to run, each in its own fresh world. */
  readonly names: readonly string[];
  /** World seed; the customers' activity uses seed + 1. */
  readonly seed: number;
  readonly events: number;
  /** Default 500. */
  readonly customers?: number;
}

export interface JourneyComparison {
  /** One result per name, in order, then uniform choice under the rules. */
  readonly results: readonly JourneySimResult[];
  /** The control: every firing answered with no send. */
  readonly noSend: JourneySimResult;
}

/**
 * Tact's policies answering the catalog's trigger rules, next to uniform
 * choice (under the same contact rules) and no-send, each in a fresh world
 * of the same seed: the same customers doing the same things, so the
 * difference to no-send is what the journeys earned.
 */
export async function compareJourneys(o: JourneyComparisonOptions): Promise<JourneyComparison> {
  const run = (policy: JourneyPolicy) =>
    runJourneySimulation({ world: new MarketingWorld(o.catalog, { seed: o.seed, customers: o.customers ?? 500 }), policy, seed: o.seed + 1, events: o.events });
  const results: JourneySimResult[] = [];
  for (const name of o.names) results.push(await run({ kind: 'tact', name, policy: name, policies: PolicySet.fromConfig(o.policies) }));
  results.push(await run({ kind: 'tact', name: 'uniform (rules)', policies: uniformPolicySet() }));
  return { results, noSend: await run({ kind: 'no-send' }) };
}

const money = (x: number): string => x.toFixed(0);
const counts = (m: Readonly<Record<string, number>>): string =>
  Object.keys(m).length === 0 ? '-' : Object.entries(m).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');

/**
 * The report: what the triggers did (the same in every run: the customers'
 * activity does not depend on the policy, up to the purchases messages
 * cause), then per policy its sends, conversions and net value against
 * no-send.
 */
export function formatJourneyComparison(c: JourneyComparison): string {
  const base = c.noSend;
  const triggers = [...new Set([...Object.keys(base.started), ...Object.keys(base.fired)])].sort();
  const lines = [
    `${base.events} customer events (cart adds, page views, app opens, purchases) on a fake clock; triggers from the catalog's rules`,
    'trigger (no-send run)  started    fired  cancelled (by reason)',
    ...triggers.map((t) => `${t.padEnd(21)} ${String(base.started[t] ?? 0).padStart(8)} ${String(base.fired[t] ?? 0).padStart(8)}  ${counts(base.cancelled[t] ?? {})}`),
    '',
    'net value = conversion value - channel costs; conversions: cart owners coming back on their own + purchases a message caused',
  ];
  const total = (m: Readonly<Record<string, number>>): number => Object.values(m).reduce((a, b) => a + b, 0);
  const header = ['policy', 'fired', 'cancelled', 'sends', 'cancelled at send', 'conversions', 'by message', 'net value', 'vs no-send'];
  const rows = [...c.results, base].map((r) => [
    r.policy,
    String(total(r.fired)),
    String(Object.values(r.cancelled).reduce((a, m) => a + total(m), 0)),
    String(r.sends),
    counts(r.sendsCancelled),
    String(r.conversions),
    String(r.messageConversions),
    money(r.net),
    r === base ? '-' : `${r.net >= base.net ? '+' : ''}${money(r.net - base.net)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  lines.push(line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  return lines.join('\n');
}
