import type { Rule } from './rule.js';

/** A channel the customer cannot be reached on (no app: no push) is never chosen. */
export const reachabilityRule: Rule = {
  name: 'reachability',
  check({ candidate }, { state }) {
    return candidate.channel && state.consent.unreachable.includes(candidate.channel)
      ? `${candidate.channel}: the customer cannot be reached on this channel`
      : undefined;
  },
};
