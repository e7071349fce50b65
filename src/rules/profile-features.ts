import { mergeFeatures, type Features } from '../features/features.js';
import type { CustomerState } from '../store/store.js';
import { DAY_MS } from './rule.js';

/**
 * What the learner sees of the customer's live state, merged into the
 * decision context: profile attributes as recorded, plus a few facts the
 * rules also use. Request context wins over these on a name clash (the caller
 * may know better). Zeros are left out: learners skip them anyway.
 */
export function profileFeatures(state: CustomerState, at: number): Features {
  const numeric: Record<string, number> = {};
  const categorical: Record<string, string> = {};
  if (state.cart.length > 0) numeric['cart_items'] = state.cart.length;
  const weekAgo = at - 7 * DAY_MS;
  const sends = state.sends.filter((s) => s.at >= weekAgo && s.at <= at).length;
  if (sends > 0) numeric['sends_7d'] = sends;
  const ignored = state.ignored.filter((i) => i.at >= weekAgo && i.at <= at).length;
  if (ignored > 0) numeric['ignored_7d'] = ignored;
  if (state.openTickets > 0) numeric['open_tickets'] = state.openTickets;
  if (state.consent.preferredChannel) categorical['preferred_channel'] = state.consent.preferredChannel;
  return mergeFeatures(state.profile, { numeric, categorical });
}
