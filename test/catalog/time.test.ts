import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isHhMm,
  localMinuteOfDay,
  localTimeParts,
  nextLocalTime,
  parseHhMm,
  wallTimeToInstant,
  zoneOffsetMs,
} from '../../src/catalog/time.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const H = 3_600_000;

describe('HH:MM', () => {
  it('accepts 00:00-23:59 only', () => {
    expect(['00:00', '09:05', '23:59'].every(isHhMm)).toBe(true);
    expect(['24:00', '9:00', '12:60', '12:5', 'noon', ''].some(isHhMm)).toBe(false);
    expect(parseHhMm('19:30')).toBe(1170);
    expect(() => parseHhMm('25:00')).toThrow(/25:00/);
  });
});

describe('localTimeParts', () => {
  it('reads the wall clock in a zone, UTC by default', () => {
    const t = Date.UTC(2026, 0, 15, 23, 30, 15);
    expect(localTimeParts(t)).toEqual({ year: 2026, month: 1, day: 15, hour: 23, minute: 30, second: 15 });
    expect(localTimeParts(t, 'Europe/Berlin')).toEqual({ year: 2026, month: 1, day: 16, hour: 0, minute: 30, second: 15 });
    expect(localTimeParts(t, 'America/New_York')).toMatchObject({ day: 15, hour: 18, minute: 30 });
    expect(localTimeParts(t, 'Asia/Kolkata')).toMatchObject({ day: 16, hour: 5, minute: 0 });
    expect(localMinuteOfDay(t, 'Europe/Berlin')).toBe(30);
  });

  it('knows summer time', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Europe/Berlin')).toBe(H);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), 'Europe/Berlin')).toBe(2 * H);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), 'America/New_York')).toBe(-4 * H);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), 'UTC')).toBe(0);
  });
});

describe('wallTimeToInstant across DST', () => {
  it('moves a skipped wall time past the gap and takes the earlier of a repeated one', () => {
    // New York springs forward 2026-03-08 02:00 -> 03:00 EDT.
    expect(iso(wallTimeToInstant(2026, 3, 8, 2 * 60 + 30, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    // ... and falls back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice.
    expect(iso(wallTimeToInstant(2026, 11, 1, 90, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    // Berlin falls back 2026-10-25 03:00 CEST -> 02:00 CET.
    expect(iso(wallTimeToInstant(2026, 10, 25, 150, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('nextLocalTime', () => {
  it('gives today when the time is still ahead, tomorrow when it has passed', () => {
    const berlinMorning = Date.UTC(2026, 0, 15, 7, 0); // 08:00 CET
    expect(iso(nextLocalTime(berlinMorning, '19:00', 'Europe/Berlin'))).toBe('2026-01-15T18:00:00.000Z');
    expect(iso(nextLocalTime(berlinMorning, '07:00', 'Europe/Berlin'))).toBe('2026-01-16T06:00:00.000Z');
    // Exactly on time counts as now; a second later it is tomorrow.
    const seven = Date.UTC(2026, 0, 15, 18, 0);
    expect(nextLocalTime(seven, '19:00', 'Europe/Berlin')).toBe(seven);
    expect(iso(nextLocalTime(seven + 1000, '19:00', 'Europe/Berlin'))).toBe('2026-01-16T18:00:00.000Z');
  });

  it('uses the customer zone: the same instant is evening in Berlin and afternoon in New York', () => {
    const at = Date.UTC(2026, 0, 15, 19, 30); // 20:30 Berlin, 14:30 New York
    expect(iso(nextLocalTime(at, '19:00', 'Europe/Berlin'))).toBe('2026-01-16T18:00:00.000Z');
    expect(iso(nextLocalTime(at, '19:00', 'America/New_York'))).toBe('2026-01-16T00:00:00.000Z');
    expect(iso(nextLocalTime(at, '19:00'))).toBe('2026-01-16T19:00:00.000Z');
    expect(iso(nextLocalTime(at, '09:00', 'Asia/Tokyo'))).toBe('2026-01-16T00:00:00.000Z');
  });

  it('follows the DST switch: next morning 09:00 keeps its wall time, not its UTC time', () => {
    // Saturday 2026-03-07 20:00 EST; New York springs forward overnight.
    const sat = Date.UTC(2026, 2, 8, 1, 0);
    expect(iso(nextLocalTime(sat, '09:00', 'America/New_York'))).toBe('2026-03-08T13:00:00.000Z'); // 09:00 EDT
    // The night Berlin springs forward (2026-03-29 02:00 CET -> 03:00 CEST).
    const night = Date.UTC(2026, 2, 28, 23, 30); // 00:30 CET
    expect(iso(nextLocalTime(night, '09:00', 'Europe/Berlin'))).toBe('2026-03-29T07:00:00.000Z'); // 09:00 CEST
    expect(iso(nextLocalTime(night, '02:30', 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z'); // skipped: 03:30 CEST
    // New York falls back 2026-11-01: 19:00 that evening is EST.
    const fallMorning = Date.UTC(2026, 10, 1, 12, 0); // 07:00 EST
    expect(iso(nextLocalTime(fallMorning, '19:00', 'America/New_York'))).toBe('2026-11-02T00:00:00.000Z');
    // Asked before the fall-back, about a time after it.
    // Between the two 01:30s of the fall-back night, the next 01:30 is the second one (EST).
    const between = Date.UTC(2026, 10, 1, 5, 45); // 01:45 EDT
    expect(iso(nextLocalTime(between, '01:30', 'America/New_York'))).toBe('2026-11-01T06:30:00.000Z');
    const fallEve = Date.UTC(2026, 9, 31, 23, 0); // Sat 19:00 EDT
    expect(iso(nextLocalTime(fallEve + 60_000, '09:00', 'America/New_York'))).toBe('2026-11-01T14:00:00.000Z'); // 09:00 EST
  });

  it('matches a minute-by-minute scan (property)', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Sao_Paulo'];
    // Around 2026's DST changes, where a naive fixed offset would be wrong.
    const starts = [Date.UTC(2026, 2, 7), Date.UTC(2026, 2, 28), Date.UTC(2026, 3, 4), Date.UTC(2026, 9, 24), Date.UTC(2026, 9, 31)];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...starts),
        fc.integer({ min: 0, max: 3 * 24 * 60 - 1 }),
        fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(1, 2, 3)),
        fc.constantFrom(0, 15, 30, 59),
        (zone, start, offsetMin, hh, mm) => {
          const at = start + offsetMin * 60_000;
          const hhmm = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
          const got = nextLocalTime(at, hhmm, zone);
          expect(got).toBeGreaterThanOrEqual(at);
          // Brute force: walk minute by minute to the first minute showing hh:mm. Crossing a
          // spring-forward gap that skips hh:mm instead lands where the pre-gap offset puts it.
          const target = hh * 60 + mm;
          let scan = at;
          let prev = localTimeParts(at, zone);
          let prevAt = at;
          for (;;) {
            const p = localTimeParts(scan, zone);
            const cur = p.hour * 60 + p.minute;
            const prevMin = prev.hour * 60 + prev.minute;
            if (cur === target) break;
            if (scan > at && prev.day === p.day && prevMin < target && cur > target) {
              scan = prevAt + (target - prevMin) * 60_000;
              break;
            }
            prev = p;
            prevAt = scan;
            scan += 60_000;
          }
          expect(iso(got)).toBe(iso(scan));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
