import { sampleIndex } from '../explore/pmf.js';
import type { Random } from '../core/random.js';
import type { Candidate } from '../domain/decision.js';

/** One sampled rank: which candidate, with which probability at that rank. */
export interface Pick {
  readonly index: number;
  readonly probability: number;
  /** Not the highest-mean candidate among those still available. */
  readonly explored: boolean;
}

/**
 * Pipeline step 6: sample up to `topK` candidates from the PMF without
 * replacement and without two sends on one channel. A no-send pick ends the
 * list (it cannot be combined with sends) and is never picked after rank 1.
 * The probability of each rank is the PMF restricted to what was still
 * available, renormalised: exactly the distribution it was sampled from.
 */
export function pickTopK(
  candidates: readonly Candidate[],
  pmf: Float64Array,
  mean: Float64Array,
  topK: number,
  rng: Random,
  exclude: ReadonlySet<number> = new Set(),
): Pick[] {
  const n = candidates.length;
  const available = new Float64Array(n);
  for (let i = 0; i < n; i++) available[i] = exclude.has(i) ? 0 : (pmf[i] as number);
  const usedChannels = new Set<string>();
  const picks: Pick[] = [];
  while (picks.length < topK) {
    if (picks.length > 0) blockAfterFirst(candidates, available, usedChannels);
    const mass = sum(available);
    if (!(mass > 0)) break;
    const index = sampleIndex(available, n, rng, mass);
    const chosen = candidates[index] as Candidate;
    picks.push({
      index,
      probability: (available[index] as number) / mass,
      explored: index !== argmaxWhere(mean, available),
    });
    if (chosen.noSend) break;
    available[index] = 0;
    if (chosen.channel) usedChannels.add(chosen.channel);
  }
  return picks;
}

/** After rank 1: no no-send, and no second send on a channel already used. */
function blockAfterFirst(candidates: readonly Candidate[], available: Float64Array, used: Set<string>): void {
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i] as Candidate;
    if (c.noSend || (c.channel !== '' && used.has(c.channel))) available[i] = 0;
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}


function argmaxWhere(mean: Float64Array, available: Float64Array): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < available.length; i++) {
    if ((available[i] as number) > 0 && (mean[i] as number) > bestValue) {
      bestValue = mean[i] as number;
      best = i;
    }
  }
  return best;
}
