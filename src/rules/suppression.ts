import type { ItemEvent } from '../domain/customer.js';
import { DAY_MS, isService, type Rule } from './rule.js';

/**
 * No promotion for an item (or, per the catalog's scope, its category)
 * already in the cart, or bought within purchase_suppression_days. Messages declare the suppressions
 * they are exempt from (a cart reminder is about the cart). Client candidates
 * carry no catalog items or category, so nothing here applies to them.
 */
export const suppressionRule: Rule = {
  name: 'suppression',
  check(input, { state, at, settings }) {
    const { message } = input;
    if (!message || isService(input)) return undefined;
    const exempt = message.exempt ?? [];
    if (!exempt.includes('cart')) {
      const hit = matching(state.cart, message.items, settings.cartSuppression === 'category' ? message.category : '');
      if (hit) return `${hit} is in the cart`;
    }
    if (!exempt.includes('purchase')) {
      const since = at - settings.purchaseSuppressionDays * DAY_MS;
      const recent = state.purchases.filter((p) => p.at >= since && p.at <= at);
      const hit = matching(recent, message.items, settings.purchaseSuppression === 'category' ? message.category : '');
      if (hit) return `${hit} was bought within ${settings.purchaseSuppressionDays} days`;
    }
    return undefined;
  },
};

/** "item X" or "category C" when an event matches the message, else undefined; category '' matches none. */
function matching(events: readonly ItemEvent[], items: readonly string[], category: string): string | undefined {
  for (const e of events) {
    if (e.itemId && items.includes(e.itemId)) return `item ${e.itemId}`;
  }
  for (const e of events) {
    if (category && e.category === category) return `category ${category}`;
  }
  return undefined;
}
