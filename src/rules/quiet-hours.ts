import type { QuietHours } from '../catalog/catalog.js';
import { nextLocalMinute, parseHhMm } from '../catalog/time.js';
import type { Rule } from './rule.js';

// Parsed once per catalog entry: this runs for every candidate of every Decide.
const parsed = new WeakMap<QuietHours, { readonly start: number; readonly end: number }>();

function minutesOf(quiet: QuietHours): { readonly start: number; readonly end: number } {
  let m = parsed.get(quiet);
  if (!m) parsed.set(quiet, (m = { start: parseHhMm(quiet.start), end: parseHhMm(quiet.end) }));
  return m;
}

/** True when local minute-of-day `m` falls inside quiet hours (start inclusive, end exclusive). */
export function isQuietMinute(m: number, quiet: QuietHours): boolean {
  const { start, end } = minutesOf(quiet);
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/**
 * Nothing lands inside a channel's quiet hours in the customer's zone: the
 * send is moved to the end of the quiet hours (defer) or the candidate is
 * dropped, per channel. Judged on the send time, not the decision time: a
 * 19:00 slot decided at 23:00 lands tomorrow evening and is fine.
 */
export const quietHoursRule: Rule = {
  name: 'quiet_hours',
  check({ candidate, channel }, { timeZone, localMinute }) {
    const quiet = channel?.quietHours;
    if (!quiet || candidate.noSend) return undefined;
    if (!isQuietMinute(localMinute(candidate.sendAt), quiet)) return undefined;
    if (quiet.action === 'drop') {
      return `${channel.id}: would land in quiet hours ${quiet.start}-${quiet.end} (${timeZone})`;
    }
    return { ...candidate, sendAt: nextLocalMinute(candidate.sendAt, minutesOf(quiet).end, timeZone) };
  },
};
