import { isService, type Rule } from './rule.js';

/**
 * Consent per channel and the global marketing opt-out. An explicit "no" for
 * a channel blocks everything on it, service messages too: the customer said
 * not there. A missing answer blocks marketing on opt-in channels only.
 * Opt-out of marketing leaves service messages alone.
 */
export const consentRule: Rule = {
  name: 'consent',
  check(input, { state }) {
    const { candidate, channel } = input;
    const service = isService(input);
    const answer = candidate.channel ? state.consent.channels[candidate.channel] : undefined;
    if (answer === false) return `${candidate.channel}: the customer refused this channel`;
    if (service) return undefined;
    if (state.consent.optOut) return 'the customer opted out of all marketing';
    if (answer === undefined && channel !== undefined && (channel.consent ?? 'opt_in') === 'opt_in') {
      return `${channel.id}: opt-in channel and no consent recorded`;
    }
    return undefined;
  },
};
