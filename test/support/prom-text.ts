/** Parse Prometheus text exposition into series -> value, enough for assertions. */
export function parsePromText(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** Sum of every series of `name` whose labels include all of `labels`. */
export function sumSeries(series: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const [key, value] of series) {
    const brace = key.indexOf('{');
    const metric = brace < 0 ? key : key.slice(0, brace);
    if (metric !== name) continue;
    const labelText = brace < 0 ? '' : key.slice(brace);
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) {
      total += value;
      found = true;
    }
  }
  return found ? total : NaN;
}
