import { mergeFeatures, type Features } from '../domain/features.js';
import type { CustomerState } from '../domain/customer.js';

const DAY_MS = 86_400_000;

/** How far back a customer's engagement by channel is summarised. */
const ENGAGEMENT_WINDOW_MS = 30 * DAY_MS;

/**
 * Per channel, sends in the last 30 days and how many of them were ignored:
 * a customer's revealed taste for a channel ("ignores every email, opens
 * every SMS"), which no static attribute says as well. Learners pair these
 * with the candidate's channel.
 */
function addChannelEngagement(state: CustomerState, at: number, numeric: Record<string, number>): void {
  const since = at - ENGAGEMENT_WINDOW_MS;
  for (const s of state.sends) {
    if (s.at < since || s.at > at || !s.channel) continue;
    numeric[`sent_30d_${s.channel}`] = (numeric[`sent_30d_${s.channel}`] ?? 0) + 1;
  }
  for (const i of state.ignored) {
    if (i.at < since || i.at > at || !i.channel) continue;
    numeric[`ignored_30d_${i.channel}`] = (numeric[`ignored_30d_${i.channel}`] ?? 0) + 1;
  }
}

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
  addChannelEngagement(state, at, numeric);
  if (state.openTickets > 0) numeric['open_tickets'] = state.openTickets;
  if (state.consent.preferredChannel) categorical['preferred_channel'] = state.consent.preferredChannel;
  return mergeFeatures(state.profile, { numeric, categorical });
}
