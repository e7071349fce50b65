import { UsageError } from './evaluate.js';

/** A time flag: ms since epoch (digits only) or anything Date.parse reads (ISO 8601). */
export function parseTimeArg(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(ms)) throw new UsageError(`--${name}: not a date or ms timestamp: "${raw}"`);
  return ms;
}
