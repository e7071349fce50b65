import { isService, type Rule } from './rule.js';

/**
 * Fail closed when the store lost data: a lost opt-out or cap must never turn
 * into a send, so every marketing candidate is removed until an operator
 * confirms (see src/store/redis/integrity.ts). Service messages still go out.
 */
export const sendsStoppedRule: Rule = {
  name: 'sends_stopped',
  check(input, { state }) {
    if (state.sendsStopped === undefined || isService(input)) return undefined;
    return state.sendsStopped;
  },
};
