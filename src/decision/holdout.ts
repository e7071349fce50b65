import { hashFraction } from '../core/hash.js';
import type { Policy } from '../policies/policy-set.js';

/**
 * Control holdout: a stable share of customers per policy always gets
 * no-send, so uplift can be measured against them. Keyed by policy name too,
 * so two policies hold out different customers.
 */
export function isInHoldout(customerId: string, policy: Policy): boolean {
  const share = policy.config.holdout;
  return share > 0 && hashFraction(`${policy.name}\u0000${customerId}`, 0x4f1d) < share;
}
