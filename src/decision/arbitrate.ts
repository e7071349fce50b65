import type { Catalog } from '../catalog/catalog.js';
import type { Random } from '../core/random.js';
import type { Candidate } from '../domain/decision.js';
import { capReservations } from '../rules/frequency-caps.js';
import type { CustomerStore, SendReservation } from '../store/store.js';
import { pickTopK, type Pick } from './select.js';

/**
 * Reserve the chosen sends: the index of the first choice whose caps did not
 * hold, or -1 when all were recorded. arbitrate also passes the picks the
 * candidates came from (the engine saves the decision they make alongside).
 */
export type ReserveSends = (chosen: readonly Candidate[], picks?: readonly Pick[]) => Promise<number>;

export interface ArbitrationRequest {
  readonly eligible: readonly Candidate[];
  readonly pmf: Float64Array;
  readonly mean: Float64Array;
  readonly topK: number;
  readonly rng: Random;
  readonly reserve: ReserveSends;
}

/**
 * Pipeline step 6: sample the top k (no two sends on one channel,
 * src/decision/select.ts) and reserve their caps atomically. A cap can be
 * taken by a concurrent decision for the same customer between the rules
 * (step 3) and here: that candidate is then treated as ineligible and the
 * ranks are sampled again without it. Empty when concurrent decisions took
 * every cap and nothing else was left.
 */
export async function arbitrate(request: ArbitrationRequest): Promise<Pick[]> {
  const { eligible, pmf, mean, rng } = request;
  const topK = Math.max(1, request.topK);
  const exclude = new Set<number>();
  let picks = pickTopK(eligible, pmf, mean, topK, rng, exclude);
  for (let attempt = 0; attempt < eligible.length; attempt++) {
    const failed = await request.reserve(picks.map((p) => eligible[p.index] as Candidate), picks);
    if (failed < 0) break;
    exclude.add((picks[failed] as Pick).index);
    picks = pickTopK(eligible, pmf, mean, topK, rng, exclude);
  }
  return picks;
}

/**
 * The store's atomic reservation of the caps the catalog sets on each send
 * (one Lua script in Redis), mapped back to the index of the choice.
 */
export function reserveInStore(store: CustomerStore, catalog: Catalog, customerId: string): ReserveSends {
  return async (chosen) => {
    const { reservations, choiceIndex } = capReservations(catalog, chosen);
    if (reservations.length === 0) return -1;
    const failed = await store.reserveSends(customerId, reservations);
    return failed < 0 ? -1 : (choiceIndex[failed] ?? -1);
  };
}

/**
 * The caps the catalog sets on each chosen send, reserved by `run` (which
 * may do more in the same call: the engine saves the decision with it),
 * mapped back to the index of the choice; `run` is called even with no
 * reservation to make.
 */
export async function reserveWith(catalog: Catalog, chosen: readonly Candidate[], run: (reservations: readonly SendReservation[]) => Promise<number>): Promise<number> {
  const { reservations, choiceIndex } = capReservations(catalog, chosen);
  const failed = await run(reservations);
  return failed < 0 ? -1 : (choiceIndex[failed] ?? -1);
}

/** For deployments without contact rules: nothing is reserved. */
export const reserveNothing: ReserveSends = async () => -1;
