/**
 * Why the default explores too narrowly on many-class streams: per window of
 * rounds, the default learner's accuracy, the width of the chosen action and
 * of the labelled action, the progressive residual of the chosen action's
 * mean (what an empirical-Bayes noise estimate would see), the squared norm
 * of the scaled context next to the textbook's (features / global max), and
 * how many rounds the labelled action had seen fewer than 5 rewards of 1.
 *
 *   npx tsx bench/many-class-diagnose.ts [--shuffles 3] [--learners '{json};{json}']
 *
 * Each --learners entry is a bayes-hybrid config over the registry default.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SeededRandom, shuffle } from '../src/core/random.js';
import { computePmf, sampleIndex } from '../src/explore/pmf.js';
import { EMPTY_FEATURES, type Features } from '../src/domain/features.js';
import type { ActionRef } from '../src/learners/learner.js';
import { createLearner, type LearnerConfigInput } from '../src/learners/registry.js';
import { manyClassStreams } from './many-class-streams.js';

const { values } = parseArgs({ options: { shuffles: { type: 'string', default: '3' }, learners: { type: 'string', default: '{}' }, streams: { type: 'string', default: 'all' } } });
const configs = values.learners.split(';').filter((x) => x.trim() !== '');
const windows: Array<[number, number]> = [[0, 1000], [1000, 3000], [3000, Infinity]];
const lines = ['| stream | learner | rounds | accuracy | width chosen | width label | rms residual chosen | mean chosen when r=1 | normSq Tact | normSq textbook | label seen < 5 positives |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
for (const d of manyClassStreams(values.streams)) for (const config of configs) {
  const extra = JSON.parse(config) as Record<string, unknown>;
  let gmax = 0; for (const r of d.x) for (const v of r) gmax = Math.max(gmax, Math.abs(v));
  const acc = windows.map(() => ({ n: 0, hit: 0, wc: 0, wl: 0, res: 0, m1: 0, n1: 0, ns: 0, nt: 0, cold: 0 }));
  for (let s = 0; s < Number(values.shuffles); s++) {
    const order = shuffle(Array.from({ length: d.y.length }, (_, i) => i), new SeededRandom(s + 1));
    const l = createLearner({ kind: 'bayes-hybrid', ...extra } as LearnerConfigInput);
    const actions: ActionRef[] = Array.from({ length: d.k }, (_, i) => ({ id: String(i), features: EMPTY_FEATURES }));
    const rng = new SeededRandom((s + 1) ^ 0x5bd1e995);
    const out = { mean: new Float64Array(d.k), width: new Float64Array(d.k) };
    const pmf = new Float64Array(d.k);
    const positives = new Int32Array(d.k);
    order.forEach((row, t) => {
      const w = acc[windows.findIndex(([a, b]) => t >= a && t < b)]!;
      const numeric: Record<string, number> = {};
      d.x[row]!.forEach((v, i) => { numeric[`f${i}`] = v; });
      const context: Features = { numeric, categorical: {} };
      const p = l.prepare(context) as unknown as { linear: { normSq: number } };
      l.score(p as never, actions, out);
      computePmf({ kind: 'ucb', alpha: 1, epsilon: 0.01 }, out, d.k, rng, pmf, l.updates);
      const c = sampleIndex(pmf, d.k, rng);
      const y = d.y[row]!;
      const r = c === y ? 1 : 0;
      w.n++; w.hit += r; w.wc += out.width[c]!; w.wl += out.width[y]!; w.res += (r - out.mean[c]!) ** 2;
      if (r === 1) { w.m1 += out.mean[c]!; w.n1++; }
      w.ns += p.linear.normSq; w.nt += d.x[row]!.reduce((a, v) => a + (v / gmax) ** 2, 0);
      if (positives[y]! < 5) w.cold++;
      if (r === 1) positives[c]!++;
      l.learn({ context, action: actions[c]!, reward: r });
    });
  }
  windows.forEach(([a, b], i) => {
    const w = acc[i]!;
    if (w.n === 0) return;
    const f = (x: number): string => x.toFixed(3);
    lines.push(`| ${d.name} | ${config} | ${a}-${b === Infinity ? 'end' : b} | ${f(w.hit / w.n)} | ${f(w.wc / w.n)} | ${f(w.wl / w.n)} | ${f(Math.sqrt(w.res / w.n))} | ${f(w.m1 / Math.max(1, w.n1))} | ${f(w.ns / w.n)} | ${f(w.nt / w.n)} | ${(100 * w.cold / w.n).toFixed(1)}% |`);
  });
  console.log(lines.slice(-3).join('\n'));
}
writeFileSync(new URL('./results/many-class-diagnose.md', import.meta.url), `# Many-class streams: why the default explores too narrowly (${new Date().toISOString()})\n\n\`npx tsx bench/many-class-diagnose.ts --shuffles ${values.shuffles} --learners '${values.learners}'\`\n\n${lines.join('\n')}\n`);
