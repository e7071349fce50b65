import { ESTIMATOR_NAMES, type Estimate, type EstimatorName, type EvaluationResult } from './estimators.js';

export interface EstimateJson {
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  ess: number | null;
}

export interface EvaluationJson {
  policy: string;
  source: string;
  estimators: Record<EstimatorName, EstimateJson>;
  rounds: number;
  clipped: number;
  tiny_propensities: number;
  min_propensity: number | null;
  max_weight: number | null;
  interval: string;
  reward_model: string;
  skipped: Record<string, number>;
}

/** JSON has no NaN or Infinity: undefined quantities become null rather than invalid output. */
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function toJson(result: EvaluationResult, source: string, skipped: Readonly<Record<string, number>> = {}): EvaluationJson {
  const estimators = {} as Record<EstimatorName, EstimateJson>;
  for (const name of ESTIMATOR_NAMES) {
    const e = result.estimators[name];
    estimators[name] = { value: num(e.value), ci_low: num(e.ciLow), ci_high: num(e.ciHigh), ess: num(e.ess) };
  }
  return {
    policy: result.policy,
    source,
    estimators,
    rounds: result.rounds,
    clipped: result.clipped,
    tiny_propensities: result.tinyPropensities,
    min_propensity: num(result.minPropensity),
    max_weight: num(result.maxWeight),
    interval: result.interval,
    reward_model: result.rewardModel,
    skipped: { ...skipped },
  };
}

/** Four significant digits keep CTR-sized values (0.0046) readable without hiding differences. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e5 || abs < 1e-4) return x.toExponential(3);
  return x.toPrecision(4);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const ciCell = (e: Estimate): string => `[${fmt(e.ciLow)}, ${fmt(e.ciHigh)}]`;

function notes(result: EvaluationResult, tinyThreshold: number, skipped: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  if (result.tinyPropensities > 0) {
    out.push(
      `warning: ${result.tinyPropensities} of ${result.rounds} rounds have a propensity below ${tinyThreshold} ` +
        `(min ${fmt(result.minPropensity)}); IPS/DR can be dominated by them, consider --clip`,
    );
  }
  if (result.clipped > 0) out.push(`clipping: ${result.clipped} weights clipped (max weight now ${fmt(result.maxWeight)})`);
  const skips = Object.entries(skipped).filter(([, n]) => n > 0);
  if (skips.length > 0) out.push(`skipped: ${skips.map(([why, n]) => `${n} ${why}`).join(', ')}`);
  return out;
}

/** The terminal report of one policy. */
export function formatEvaluation(
  result: EvaluationResult,
  source: string,
  opts: { alpha?: number; tinyPropensity?: number; skipped?: Readonly<Record<string, number>> } = {},
): string {
  const level = Math.round((1 - (opts.alpha ?? 0.05)) * 100);
  const rows = ESTIMATOR_NAMES.map((name) => {
    const e = result.estimators[name];
    return [name, fmt(e.value), ciCell(e), e.ess.toFixed(1)];
  });
  return [
    `policy ${result.policy} on ${source}: ${result.rounds} rounds, ${result.interval} ${level}% intervals, DM model ${result.rewardModel}`,
    table(['estimator', 'value', `${level}% CI`, 'ESS'], rows),
    ...notes(result, opts.tinyPropensity ?? 1e-3, opts.skipped ?? {}),
  ].join('\n');
}

/** The terminal report of several policies on one log. */
export function formatComparison(results: readonly EvaluationResult[], source: string, alpha = 0.05): string {
  const level = Math.round((1 - alpha) * 100);
  const header = ['policy', ...ESTIMATOR_NAMES.flatMap((n) => [n, `${level}% CI`]), 'ESS'];
  const rows = results.map((r) => [
    r.policy,
    ...ESTIMATOR_NAMES.flatMap((n) => [fmt(r.estimators[n].value), ciCell(r.estimators[n])]),
    r.estimators.ips.ess.toFixed(1),
  ]);
  const clipped = results.filter((r) => r.clipped > 0).map((r) => `${r.policy}: ${r.clipped}`);
  const first = results[0];
  return [
    `${results.length} policies on ${source}: ${first?.rounds ?? 0} rounds`,
    table(header, rows),
    ...(first && first.tinyPropensities > 0 ? [`warning: ${first.tinyPropensities} propensities below the tiny threshold (min ${fmt(first.minPropensity)})`] : []),
    ...(clipped.length > 0 ? [`clipped weights: ${clipped.join(', ')}`] : []),
  ].join('\n');
}

const COLORS: Record<EstimatorName, string> = { ips: '#1f77b4', snips: '#ff7f0e', dm: '#2ca02c', dr: '#d62728' };

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round tick step (1, 2 or 5 x 10^k) giving about `count` ticks over the span. */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}

/** Tick values are multiples of the step: strip float noise (0.30000000000000004) and trailing zeros. */
function tickLabel(v: number, step: number): string {
  if (Math.abs(v) < step / 1e6) return '0';
  return String(Number(v.toPrecision(6)));
}

/**
 * A forest plot: one band per policy, one row per estimator, a dot at the
 * estimate and a whisker over its interval, on a shared value axis.
 */
export function comparisonSvg(results: readonly EvaluationResult[], title = 'Policy value estimates'): string {
  return forestSvg(
    results.map((r) => ({ label: r.policy, rows: r.estimators })),
    ESTIMATOR_NAMES,
    title,
  );
}

/** One band of a forest plot: a label and, per series, an estimate with its interval (absent: no row drawn). */
export interface ForestBand {
  readonly label: string;
  readonly rows: Readonly<Record<string, Pick<Estimate, 'value' | 'ciLow' | 'ciHigh'> | undefined>>;
}

/** Forest plot of any estimates: one band per label, one row per series. */
export function forestSvg(bands: readonly ForestBand[], series: readonly string[], title: string): string {
  const color = (n: string): string => (COLORS as Readonly<Record<string, string>>)[n] ?? '#9467bd';
  const results = bands;
  const rowH = 14;
  const bandGap = 12;
  // Room for the longest label (uplift combinations run long), at least the policy charts' 170.
  const left = Math.max(170, 20 + 7 * Math.max(0, ...bands.map((b) => b.label.length)));
  const right = 30;
  const top = 48;
  const width = 590 + left;
  const plotW = width - left - right;
  const bandH = series.length * rowH;
  const height = top + results.length * (bandH + bandGap) + 40;
  const finite = results
    .flatMap((r) => series.flatMap((n) => { const e = r.rows[n]; return e ? [e.value, e.ciLow, e.ciHigh] : []; }))
    .filter(Number.isFinite);
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (hi - lo < 1e-12) {
    lo -= 0.5 * (Math.abs(lo) || 1);
    hi += 0.5 * (Math.abs(hi) || 1);
  }
  const step = tickStep(hi - lo, 6);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * plotW;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  );
  series.forEach((n, i) => {
    const lx = left + i * 80;
    parts.push(`<circle cx="${lx}" cy="32" r="4" fill="${color(n)}"/><text x="${lx + 8}" y="36">${escapeXml(n)}</text>`);
  });
  const axisY = top + results.length * (bandH + bandGap);
  for (let v = lo; v <= hi + step / 2; v += step) {
    const tx = x(v).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${axisY}" stroke="#e5e5e5"/>`,
      `<text x="${tx}" y="${axisY + 16}" text-anchor="middle">${escapeXml(tickLabel(v, step))}</text>`,
    );
  }
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${left + plotW}" y2="${axisY}" stroke="#333"/>`);
  results.forEach((r, p) => {
    const bandTop = top + p * (bandH + bandGap);
    parts.push(`<text x="${left - 10}" y="${bandTop + bandH / 2 + 4}" text-anchor="end" font-weight="bold">${escapeXml(r.label)}</text>`);
    series.forEach((n, i) => {
      const e = r.rows[n];
      if (!e) return;
      const y = (bandTop + i * rowH + rowH / 2).toFixed(1);
      if (Number.isFinite(e.ciLow) && Number.isFinite(e.ciHigh)) {
        parts.push(`<line x1="${x(e.ciLow).toFixed(1)}" y1="${y}" x2="${x(e.ciHigh).toFixed(1)}" y2="${y}" stroke="${color(n)}" stroke-width="2"/>`);
      }
      if (Number.isFinite(e.value)) {
        parts.push(
          `<circle cx="${x(e.value).toFixed(1)}" cy="${y}" r="4" fill="${color(n)}"><title>${escapeXml(
            `${r.label} ${n}: ${fmt(e.value)} [${fmt(e.ciLow)}, ${fmt(e.ciHigh)}]`,
          )}</title></circle>`,
        );
      }
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
