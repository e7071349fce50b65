/** The XOR-like stream the neural-linear tests learn: no linear model of the raw features can. */
import type { SeededRandom } from '../../src/core/random.js';
import { EMPTY_FEATURES, type Features } from '../../src/domain/features.js';
import type { ActionRef } from '../../src/learners/learner.js';

export const XOR_ACTIONS: ActionRef[] = [
  { id: 'a', features: EMPTY_FEATURES },
  { id: 'b', features: EMPTY_FEATURES },
];

/** Action a pays when x0 and x1 share a sign, b otherwise; 4 distractor features. */
export function xorContext(rng: SeededRandom): { context: Features; best: number } {
  const numeric: Record<string, number> = {};
  for (let i = 0; i < 6; i++) numeric[`x${i}`] = 2 * rng.next() - 1;
  return { context: { numeric, categorical: {} }, best: numeric['x0']! * numeric['x1']! > 0 ? 0 : 1 };
}
