import type { CapCheck, SendRecord } from './customer.js';

/**
 * Sends that count against a cap for a new send at `at`: those the cap's key
 * covers whose time is within the window either side (see CapCheck). Shared by
 * the rules (checking) and the memory store (reserving) so both agree; the
 * Redis script implements the same count.
 */
export function countForCap(sends: readonly SendRecord[], cap: CapCheck, at: number): number {
  const { kind, id } = parseCapKey(cap.key);
  let n = 0;
  for (const s of sends) {
    const covered = kind === 'channel' ? s.channel === id : kind === 'message' ? s.messageId === id : false;
    if (covered && Math.abs(s.at - at) < cap.windowMs) n++;
  }
  return n;
}

/** Cap keys come from the catalog, a handful per deployment: split each once, not per candidate. */
const parsedKeys = new Map<string, { readonly kind: string; readonly id: string }>();

function parseCapKey(key: string): { readonly kind: string; readonly id: string } {
  let parsed = parsedKeys.get(key);
  if (parsed === undefined) {
    if (parsedKeys.size >= 4096) parsedKeys.clear();
    const colon = key.indexOf(':');
    parsedKeys.set(key, (parsed = { kind: key.slice(0, colon), id: key.slice(colon + 1) }));
  }
  return parsed;
}

export const channelCapKey = (channel: string): string => `channel:${channel}`;
export const messageCapKey = (messageId: string): string => `message:${messageId}`;
