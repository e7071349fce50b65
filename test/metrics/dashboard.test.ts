/**
 * The Grafana dashboard and the alert rules against the series a server
 * exports: every name they query must exist (a renamed metric leaves an empty
 * panel or an alert that can never fire, silently), and every series Tact
 * defines itself must have a panel, so a new metric cannot ship unseen.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { JourneyMetrics } from '../../src/metrics/journey-metrics.js';
import { CampaignMetrics } from '../../src/metrics/campaign-metrics.js';
import { METRIC_PREFIX, TactMetrics } from '../../src/metrics/registry.js';
import { policiesFileSchema } from '../../src/policies/policy-config.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import type { BufferStats } from '../../src/store/redis/buffer.js';

const DASHBOARD = 'deploy/grafana/tact-dashboard.json';
const ALERTS = 'deploy/prometheus/alerts.yml';

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

/**
 * Name -> type of every series a Redis-backed server with journeys registers,
 * as serve.ts wires them. Only the TYPE lines are read: a counter is declared
 * whatever its count, so the buffer's stats can stay empty.
 */
async function exportedSeries(defaultMetrics: boolean): Promise<Map<string, string>> {
  const metrics = new TactMetrics({ defaultMetrics });
  metrics.attach({
    policies: PolicySet.fromConfig(policiesFileSchema.parse({ policies: [{ name: 'default' }] })),
    decisionsHeld: () => 0,
    bufferStats: () => undefined as unknown as BufferStats,
    storeHealth: { up: () => true },
  });
  new JourneyMetrics(metrics.registry, METRIC_PREFIX, async () => 0);
  new CampaignMetrics(metrics.registry, METRIC_PREFIX);
  const text = await metrics.registry.metrics();
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** The metric a queried name reads: histograms and summaries are queried through their _bucket/_sum/_count series. */
function metricOf(name: string, exported: Map<string, string>): string | undefined {
  if (exported.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const type = exported.get(base);
  return type === 'histogram' || type === 'summary' ? base : undefined;
}

const namesIn = (expr: string): string[] => [...expr.matchAll(/\btact_[a-z0-9_]+/g)].map((m) => m[0]);

function dashboardExprs(): { title: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));
}

function alertExprs(): { title: string; expr: string }[] {
  const alerts = parseYaml(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return alerts.groups.flatMap((g) => g.rules.map((r) => ({ title: r.alert, expr: r.expr })));
}

describe('dashboard and alert rules', () => {
  it('query only series the server exports', async () => {
    const exported = await exportedSeries(true);
    const unknown = [...dashboardExprs(), ...alertExprs()].flatMap(({ title, expr }) =>
      namesIn(expr)
        .filter((name) => metricOf(name, exported) === undefined)
        .map((name) => `${title}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('show every series Tact defines (the outage buffer, store health and journeys included)', async () => {
    const own = await exportedSeries(false);
    const shown = new Set(dashboardExprs().flatMap(({ expr }) => namesIn(expr).map((n) => metricOf(n, own))));
    const missing = [...own.keys()].filter((name) => !shown.has(name));
    expect(missing).toEqual([]);
    // Guards the guard: the registry above did register the outage and journey series.
    expect(own.has('tact_store_buffer_pending') && own.has('tact_delivery_dead_letters')).toBe(true);
  });

  it('has panels that do not overlap', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: (Panel & { id: number; gridPos: Record<'x' | 'y' | 'w' | 'h', number> })[] };
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    const overlaps: string[] = [];
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          const other = cells.get(`${i},${j}`);
          if (other) overlaps.push(`${p.title} / ${other}`);
          cells.set(`${i},${j}`, p.title);
        }
    }
    expect([...new Set(overlaps)]).toEqual([]);
  });
});
