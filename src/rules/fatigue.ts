import { DAY_MS, type Rule } from './rule.js';

/**
 * A message the customer ignored `fatigue.ignored` times within
 * `fatigue.days` is not offered again: repeating it only annoys. An open or
 * click clears the streak (the store drops the message's ignores).
 */
export const fatigueRule: Rule = {
  name: 'fatigue',
  check({ candidate }, { state, at, settings }) {
    if (!candidate.messageId) return undefined;
    const { ignored, days } = settings.fatigue;
    const since = at - days * DAY_MS;
    let n = 0;
    for (const i of state.ignored) if (i.messageId === candidate.messageId && i.at >= since && i.at <= at) n++;
    return n >= ignored ? `${candidate.messageId} ignored ${n} times in ${days} days` : undefined;
  },
};
