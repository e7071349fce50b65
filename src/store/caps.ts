import type { CapCheck, SendRecord } from './store.js';

/**
 * Sends that count against a cap for a new send at `at`: those the cap's key
 * covers whose time is within the window either side (see CapCheck). Shared by
 * the rules (checking) and the memory store (reserving) so both agree; the
 * Redis script implements the same count.
 */
export function countForCap(sends: readonly SendRecord[], cap: CapCheck, at: number): number {
  const colon = cap.key.indexOf(':');
  const kind = cap.key.slice(0, colon);
  const id = cap.key.slice(colon + 1);
  let n = 0;
  for (const s of sends) {
    const covered = kind === 'channel' ? s.channel === id : kind === 'message' ? s.messageId === id : false;
    if (covered && Math.abs(s.at - at) < cap.windowMs) n++;
  }
  return n;
}

export const channelCapKey = (channel: string): string => `channel:${channel}`;
export const messageCapKey = (messageId: string): string => `message:${messageId}`;
