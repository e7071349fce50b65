import { EMPTY_FEATURES } from './features.js';
import type { ConsentState, CustomerState } from './customer.js';

/** What Tact knows of a customer who never set consent: nothing (channels follow the catalog's consent mode). */
export const NO_CONSENT: ConsentState = Object.freeze({
  channels: Object.freeze({}),
  optOut: false,
  preferredChannel: '',
  timeZone: '',
  unreachable: Object.freeze([]),
});

/** A customer Tact has heard nothing from; every store adapter answers this for an unknown id. */
export function emptyCustomerState(customerId: string): CustomerState {
  return {
    customerId,
    profile: EMPTY_FEATURES,
    consent: NO_CONSENT,
    cart: [],
    purchases: [],
    openTickets: 0,
    sends: [],
    ignored: [],
  };
}

/** The zone send slots and quiet hours use: the customer's, UTC when unknown. */
export function customerTimeZone(state: CustomerState): string {
  return state.consent.timeZone || 'UTC';
}
