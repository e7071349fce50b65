import { murmur3 } from '../core/hash.js';
import type { Catalog } from '../catalog/catalog.js';
import type { CampaignBudgets } from './campaign.js';

/**
 * Which members a budget-limited campaign decides for.
 *
 * Sending to the top-K members by estimated uplift is right for spending but
 * wrong for learning: members below K would have probability 0 of a send,
 * so no log could ever evaluate a policy that sends to them. Instead each
 * member gets its own randomized threshold: admitted when
 *
 *     u < q(s) = floor + (1 - floor) * sigmoid((s - c) / T)
 *
 * with u uniform from a hash of (campaign, customer) (the same on every
 * replica and after a restart), c the score at the budget's rank, and T a
 * spread scaled to the scores. q is known exactly for every member, admitted
 * or not, and logged; a send's propensity for offline evaluation is q times
 * the policy's logged probability of that choice (docs/campaigns.md).
 * Members are then decided in descending score order, so the budget is spent
 * on the highest scores among the admitted first.
 */

/** How many sends the budgets allow over the window: the rank whose score is the threshold's centre. */
export function budgetRank(budgets: CampaignBudgets, catalog: Catalog, days: number): number {
  let sends = 0;
  let limited = false;
  for (const [, n] of Object.entries(budgets.perChannelPerDay)) {
    sends += n * Math.max(1, Math.ceil(days));
    limited = true;
  }
  if (budgets.totalCost !== undefined) {
    const costs = Object.keys(budgets.perChannelPerDay).length > 0 ? Object.keys(budgets.perChannelPerDay) : [...catalog.channels.keys()];
    const cheapest = Math.min(...costs.map((c) => catalog.channels.get(c)?.cost ?? Infinity).filter((c) => c > 0));
    if (Number.isFinite(cheapest)) {
      const byCost = Math.floor(budgets.totalCost / cheapest);
      sends = limited ? Math.min(sends, byCost) : byCost;
      limited = true;
    }
  }
  return limited ? sends : Infinity;
}

export interface Threshold {
  /** Centre: the score at the budget's rank; -Infinity when the budget covers the whole audience. */
  readonly center: number;
  /** Spread (> 0). */
  readonly spread: number;
}

/**
 * From the scores in descending order: centre at rank `k`, spread a tenth of
 * the interquartile range of the finite scores (so the threshold blurs over
 * the members near the margin, not the whole audience).
 */
export function thresholdFor(descending: readonly number[], k: number): Threshold {
  const finite = descending.filter((s) => Number.isFinite(s));
  if (k >= descending.length || finite.length === 0) return { center: -Infinity, spread: 1 };
  const at = descending[Math.max(0, k - 1)] as number;
  const q1 = finite[Math.floor(finite.length * 0.25)] as number;
  const q3 = finite[Math.floor(finite.length * 0.75)] as number;
  const spread = Math.max((q1 - q3) / 10, 1e-9);
  return { center: Number.isFinite(at) ? at : -1e300, spread };
}

/** q(s): the probability a member with score s is admitted. */
export function admitProbability(score: number, t: Threshold, floor: number): number {
  if (t.center === -Infinity) return 1;
  if (!Number.isFinite(score)) return floor;
  const z = (score - t.center) / t.spread;
  const sigmoid = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  return floor + (1 - floor) * sigmoid;
}

/** The member's uniform draw in [0, 1): a hash, so every replica and every restart draws the same. */
export function memberDraw(campaignId: string, customerId: string): number {
  return murmur3(`${campaignId}\u001f${customerId}`, 0x5eed) / 0x1_0000_0000;
}
