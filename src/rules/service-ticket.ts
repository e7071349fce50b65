import { isService, type Rule } from './rule.js';

/** While a service ticket is open, only service messages go out: no selling to an upset customer. */
export const serviceTicketRule: Rule = {
  name: 'service_ticket',
  check(input, { state }) {
    return state.openTickets > 0 && !isService(input) ? 'a service ticket is open' : undefined;
  },
};
