import type { ChannelSpec, FrequencyCap, MessageSpec } from '../catalog/catalog.js';
import { channelCapKey, countForCap, messageCapKey } from '../store/caps.js';
import type { CapCheck } from '../store/store.js';
import { HOUR_MS, type Rule } from './rule.js';

/** Every cap a send must respect: the channel's (customer x channel) and the message's. */
export function capChecks(channel: ChannelSpec | undefined, message: MessageSpec | undefined): CapCheck[] {
  const out: CapCheck[] = [];
  const add = (key: string, caps: readonly FrequencyCap[]) => {
    for (const c of caps) out.push({ key, max: c.max, windowMs: c.windowHours * HOUR_MS });
  };
  if (channel) add(channelCapKey(channel.id), channel.caps);
  if (message) add(messageCapKey(message.id), message.caps);
  return out;
}

/**
 * Frequency caps against the sends already recorded for the customer. This
 * check keeps hopeless candidates out of the PMF; the atomic reservation
 * after sampling (Eligibility.reserve) is what makes the cap hold under
 * concurrent decisions.
 */
export const frequencyCapRule: Rule = {
  name: 'frequency_cap',
  check({ candidate, channel, message }, { state }) {
    if (candidate.noSend) return undefined;
    for (const cap of capChecks(channel, message)) {
      const n = countForCap(state.sends, cap, candidate.sendAt);
      if (n >= cap.max) {
        return `${cap.key}: ${n} send(s) within ${cap.windowMs / HOUR_MS}h of the send time, cap ${cap.max}`;
      }
    }
    return undefined;
  },
};
