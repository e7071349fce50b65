import type { CurvePoint } from './decide.js';

/**
 * Latency vs throughput as a hand-written SVG: achieved calls/s on x, p50
 * (dashed) and p99 (solid) latency on a log y axis, one colour per server,
 * so the knee of each curve is visible.
 */
export function latencyChart(title: string, series: { name: string; colour: string; points: CurvePoint[] }[]): string {
  const W = 720, H = 420, L = 70, R = 20, T = 40, B = 50;
  const all = series.flatMap((s) => s.points.map((p) => p.result));
  const xMax = Math.max(...all.map((r) => r.callsPerSecond)) * 1.05;
  const lat = all.flatMap((r) => [r.p50, r.p99]).filter((v) => v > 0);
  const yMin = Math.log10(Math.max(0.05, Math.min(...lat) / 1.5));
  const yMax = Math.log10(Math.max(...lat) * 1.5);
  const x = (v: number) => L + (v / xMax) * (W - L - R);
  const y = (ms: number) => T + (1 - (Math.log10(ms) - yMin) / (yMax - yMin)) * (H - T - B);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">achieved calls/s</text>`,
    `<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">latency ms (log)</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (xMax / 5) * i;
    out.push(`<text x="${x(v)}" y="${H - B + 16}" text-anchor="middle">${Math.round(v)}</text>`);
  }
  for (let e = Math.floor(yMin); e <= Math.ceil(yMax); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < yMin || Math.log10(v) > yMax) continue;
      out.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eee"/>`);
      out.push(`<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
    }
  }
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a.result.callsPerSecond - b.result.callsPerSecond);
    for (const [key, dash] of [['p50', '6 4'], ['p99', '']] as const) {
      const path = pts.map((p) => `${x(p.result.callsPerSecond).toFixed(1)},${y(Math.max(p.result[key], 0.01)).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${path}" fill="none" stroke="${s.colour}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''}/>`);
      for (const p of pts) out.push(`<circle cx="${x(p.result.callsPerSecond).toFixed(1)}" cy="${y(Math.max(p.result[key], 0.01)).toFixed(1)}" r="3" fill="${s.colour}"/>`);
    }
    out.push(`<text x="${L + 10}" y="${T + 14 + i * 16}" fill="${s.colour}">${s.name}: p99 solid, p50 dashed</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
