import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LogLine } from './log-entry.js';

/**
 * A decision log on disk is numbered segments: `<path>` is written, `<path>.1`
 * is the newest full one, `<path>.<keep>` the oldest (log-sinks.ts rotates
 * them), and `<path>.erase` lists customers forgotten since the last
 * compaction, one JSON line each ({"customerId", "at"}). Every reader goes
 * through openDecisionLog, so it sees the segments in order and never a
 * forgotten customer's line, compacted yet or not.
 */

export const eraseListPath = (path: string): string => `${path}.erase`;
export const segmentPath = (path: string, n: number): string => (n === 0 ? path : `${path}.${n}`);

/** Existing segments, oldest first (the written one last). */
export function segmentPaths(path: string): string[] {
  const rotated: string[] = [];
  for (let n = 1; existsSync(segmentPath(path, n)); n++) rotated.push(segmentPath(path, n));
  return [...rotated.reverse(), path];
}

/** Customer ids waiting for the compaction to erase their lines, with when each was asked for. */
export function readEraseList(path: string): Map<string, number> {
  const file = eraseListPath(path);
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      const { customerId, at } = JSON.parse(text) as { customerId: string; at: number };
      if (!out.has(customerId)) out.set(customerId, at);
    } catch {
      // A line cut by a crash mid-append: the forget was not acknowledged, the client retries it.
    }
  }
  return out;
}

/**
 * Keeps the lines of forgotten customers out: a decision line names its
 * customer, an outcome line only its decision, which is always written
 * earlier (a reward can only arrive after its decision was returned), in the
 * same or an older segment, so one filter must see the segments in order.
 */
export class ErasureFilter {
  private readonly decisions = new Set<string>();
  private readonly customers: ReadonlySet<string>;
  constructor(customers: string | Iterable<string>) {
    this.customers = new Set(typeof customers === 'string' ? [customers] : customers);
  }

  get empty(): boolean {
    return this.customers.size === 0;
  }

  /** True when the line belongs to a customer being forgotten. */
  drops(line: LogLine): boolean {
    if (line.type === 'campaign') return this.customers.has(line.customerId);
    if (line.type === 'decision') {
      if (!this.customers.has(line.customerId)) return false;
      this.decisions.add(line.decisionId);
      return true;
    }
    return this.decisions.has(line.decisionId);
  }
}

export interface LogText {
  readonly text: string;
  readonly file: string;
  readonly lineNo: number;
}

export interface OpenedLog {
  /** Bytes of every segment, for progress. */
  readonly totalBytes: number;
  bytesRead(): number;
  /** Lines of forgotten customers not yet compacted away; undefined when there are none. */
  readonly erased: ErasureFilter | undefined;
  lines(): AsyncGenerator<LogText>;
}

/** The log's segments as one stream of lines, oldest first. */
export function openDecisionLog(path: string): OpenedLog {
  const files = segmentPaths(path);
  const sizes = files.map((f) => statSync(f).size);
  const pending = readEraseList(path);
  let done = 0;
  let current: { bytesRead: number } | undefined;
  return {
    totalBytes: sizes.reduce((a, b) => a + b, 0),
    bytesRead: () => done + (current?.bytesRead ?? 0),
    erased: pending.size > 0 ? new ErasureFilter(pending.keys()) : undefined,
    async *lines() {
      for (const [i, file] of files.entries()) {
        const stream = createReadStream(file, { encoding: 'utf8' });
        current = stream;
        let lineNo = 0;
        for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
          lineNo++;
          yield { text, file, lineNo };
        }
        done += sizes[i] as number;
        current = undefined;
      }
    },
  };
}
