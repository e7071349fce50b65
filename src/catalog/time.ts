/**
 * Wall-clock arithmetic in a customer's IANA time zone, with nothing but Intl.
 * Send-time slots ("next 09:00 local") and the quiet-hours rule both need it.
 */
import { tactError } from '../core/errors.js';

export interface LocalTimeParts {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
  /** 0-23 */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/** True for a valid 24-hour "HH:MM" (00:00-23:59). */
export function isHhMm(text: string): boolean {
  return HH_MM.test(text);
}

/** Minutes after local midnight for "HH:MM"; throws on anything else. */
export function parseHhMm(text: string): number {
  const m = HH_MM.exec(text);
  if (!m) throw tactError('BAD_CONFIGURATION', `invalid time "${text}": expected HH:MM (00:00-23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

// Building an Intl.DateTimeFormat costs tens of microseconds; formatting with a
// cached one costs about one. Zones are few, so the cache stays small.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function isUtc(timeZone: string): boolean {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === '';
}

/** True when Intl knows the zone (catalog and request validation use this). */
export function isValidTimeZone(timeZone: string): boolean {
  if (isUtc(timeZone)) return true;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local calendar date and wall-clock time at an instant. Empty zone means UTC. */
export function localTimeParts(atMs: number, timeZone = 'UTC'): LocalTimeParts {
  if (isUtc(timeZone)) {
    const d = new Date(atMs);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const p of formatterFor(timeZone).formatToParts(atMs)) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      default:
        break;
    }
  }
  return { year, month, day, hour, minute, second };
}

/** Local minutes after midnight (0-1439) at an instant: what quiet hours compare against. */
export function localMinuteOfDay(atMs: number, timeZone = 'UTC'): number {
  const p = localTimeParts(atMs, timeZone);
  return p.hour * 60 + p.minute;
}

/** The zone's offset from UTC at an instant, in ms (Berlin in winter: +3_600_000). */
export function zoneOffsetMs(atMs: number, timeZone = 'UTC'): number {
  if (isUtc(timeZone)) return 0;
  const p = localTimeParts(atMs, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  // Intl drops milliseconds; compare at whole-second precision.
  return wallAsUtc - Math.floor(atMs / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens. Wall times repeated by a DST
 * fall-back take the earlier instant; wall times skipped by a spring-forward
 * move later by the gap (02:30 on the spring-forward night becomes 03:30),
 * the same choice as Temporal's "compatible" disambiguation.
 */
export function wallTimeToInstant(
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
  timeZone = 'UTC',
): number {
  return wallTimeInstants(year, month, day, minuteOfDay, timeZone)[0] as number;
}

/**
 * Every instant at which the local clock shows this wall time, ascending: two
 * in a fall-back overlap, one usually, and for a time skipped by a
 * spring-forward the single instant just past the gap (see wallTimeToInstant).
 */
export function wallTimeInstants(
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
  timeZone = 'UTC',
): readonly number[] {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  if (isUtc(timeZone)) return [wall];
  // A zone's offset changes at most once within a day either side, so the
  // offsets a day before and after are the only candidates.
  const a = wall - zoneOffsetMs(wall - DAY_MS, timeZone);
  const b = wall - zoneOffsetMs(wall + DAY_MS, timeZone);
  const aOk = a + zoneOffsetMs(a, timeZone) === wall;
  const bOk = b === a ? aOk : b + zoneOffsetMs(b, timeZone) === wall;
  if (aOk && bOk && a !== b) return a < b ? [a, b] : [b, a];
  if (aOk) return [a];
  if (bOk) return [b];
  // Skipped wall time: the pre-transition offset lands just past the gap.
  return [a];
}

/**
 * The next instant at or after `atMs` when the local clock in `timeZone` reads
 * `hhmm` ("19:00"). At 19:00:30 local the answer is tomorrow's 19:00.
 */
export function nextLocalTime(atMs: number, hhmm: string, timeZone = 'UTC'): number {
  return nextLocalMinute(atMs, parseHhMm(hhmm), timeZone);
}

/** As nextLocalTime, with the time already parsed (hot path: slots parse at load). */
export function nextLocalMinute(atMs: number, minuteOfDay: number, timeZone = 'UTC'): number {
  const key = `${timeZone}|${minuteOfDay}`;
  const hit = nextCache.get(key);
  // The answer R computed at time a0 holds for every instant in [a0, R]: no
  // occurrence lies between. Clocks move forward, so this hits almost always.
  if (hit && hit.from <= atMs && atMs <= hit.result) return hit.result;
  const result = computeNextLocalMinute(atMs, minuteOfDay, timeZone);
  if (nextCache.size >= NEXT_CACHE_LIMIT) nextCache.clear();
  nextCache.set(key, { from: atMs, result });
  return result;
}

const NEXT_CACHE_LIMIT = 4096;
const nextCache = new Map<string, { from: number; result: number }>();

function computeNextLocalMinute(atMs: number, minuteOfDay: number, timeZone: string): number {
  const now = localTimeParts(atMs, timeZone);
  // Fast path: assume the offset at the answer is today's offset (true except
  // across a DST change), then verify with one more lookup.
  const offset = Date.UTC(now.year, now.month - 1, now.day, now.hour, now.minute, now.second) -
    Math.floor(atMs / 1000) * 1000;
  const nowMinute = now.hour * 60 + now.minute;
  const wallDay = minuteOfDay * 60_000 >= nowMinute * 60_000 + now.second * 1000 + (atMs % 1000) ? 0 : 1;
  const guess = Date.UTC(now.year, now.month - 1, now.day + wallDay, 0, minuteOfDay) - offset;
  if (guess >= atMs && zoneOffsetMs(guess, timeZone) === offset) return guess;
  // Date.UTC normalises day overflow (Jan 32 -> Feb 1), so day + 1 is safe.
  for (let addDays = 0; addDays < 3; addDays++) {
    for (const t of wallTimeInstants(now.year, now.month, now.day + addDays, minuteOfDay, timeZone)) {
      if (t >= atMs) return t;
    }
  }
  // Unreachable for real zones (a wall time recurs within two days); keep a sane fallback.
  return atMs + DAY_MS;
}
