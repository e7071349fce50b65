import { createReadStream, createWriteStream, openSync, statSync, type WriteStream } from 'node:fs';
import { appendFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tactError } from '../core/errors.js';
import type { DecisionLogSink, LogLine } from './log-entry.js';
import { ErasureFilter, eraseListPath, readEraseList, segmentPath, segmentPaths } from './log-segments.js';

/** No decision log (the default when none is configured). */
export const nullLogSink: DecisionLogSink = {
  enabled: false,
  append: () => {},
  flush: async () => {},
  erase: async () => 0,
  close: async () => {},
};

/** Keeps lines in memory: tests and simulations. */
export class MemoryLogSink implements DecisionLogSink {
  readonly enabled = true;
  readonly lines: LogLine[] = [];
  append(line: LogLine): void {
    this.lines.push(line);
  }
  async flush(): Promise<void> {}
  async erase(customerId: string): Promise<number> {
    const filter = new ErasureFilter(customerId);
    const kept = this.lines.filter((l) => !filter.drops(l));
    const removed = this.lines.length - kept.length;
    this.lines.splice(0, this.lines.length, ...kept);
    return removed;
  }
  async close(): Promise<void> {}
}

export interface FileLogOptions {
  /** The written segment is rotated once it reaches this size. @defaultValue 128 MiB */
  readonly maxBytes?: number;
  /** The written segment is also rotated once it is this old, ms; 0: by size only. @defaultValue 0 */
  readonly maxAgeMs?: number;
  /** Rotated segments kept; the oldest beyond it is deleted. @defaultValue 8 */
  readonly keep?: number;
  /** A forgotten customer's lines are gone from every segment within this, ms. @defaultValue 3600000 */
  readonly eraseDeadlineMs?: number;
  /** Lines buffered before a write. @defaultValue 512 */
  readonly maxBatch?: number;
  /** @defaultValue 200 */
  readonly flushIntervalMs?: number;
  /** Erase deadlines are measured on this clock (ms since epoch). */
  readonly now?: () => number;
}

export const DEFAULT_LOG_MAX_BYTES = 128 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 8;
export const DEFAULT_LOG_ERASE_DEADLINE_MS = 3_600_000;

/**
 * JSON-lines file in numbered segments (log-segments.ts), appended in batches
 * off the request path: Decide only pushes to an array; a timer (or a full
 * batch) writes it out. The written segment rotates by size (and by age when
 * `maxAgeMs` is set: a write finds it older) and at most
 * `keep` older ones stay, so the log's disk use is bounded by
 * (keep + 1) x maxBytes plus one batch.
 *
 * Forgetting a customer does not rewrite anything at once (a rewrite per
 * forget took seconds per call on a large log, a minute for 20): the
 * customer's buffered lines are dropped, the id is appended to the erase list
 * (which every reader honours from then on), and one compaction rewrites the
 * segments holding lines of any listed customer, at the next rotation or
 * `eraseDeadlineMs` after the oldest listed forget, whichever comes first.
 * Writes, rotations and compactions run one at a time on a queue.
 */
export class JsonlFileLogSink implements DecisionLogSink {
  readonly enabled = true;
  private buffer: string[] = [];
  private bufferedLines: LogLine[] = [];
  private stream: WriteStream;
  private readonly timer: NodeJS.Timeout;
  private deadline: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private size: number;
  /** Forgotten customers not yet compacted away, with when they were forgotten. */
  private readonly pending: Map<string, number>;
  private readonly maxBytes: number;
  private readonly maxAgeMs: number;
  /** When the written segment was started (its first write, or its file's birth). */
  private segmentStarted: number;
  private readonly keep: number;
  private readonly eraseDeadlineMs: number;
  private readonly maxBatch: number;
  private readonly now: () => number;

  constructor(
    private readonly path: string,
    options: FileLogOptions = {},
  ) {
    this.maxBytes = whole(options.maxBytes ?? DEFAULT_LOG_MAX_BYTES, 1024, 'decisionLogMaxBytes');
    this.maxAgeMs = whole(options.maxAgeMs ?? 0, 0, 'decisionLogMaxAgeMs');
    this.keep = whole(options.keep ?? DEFAULT_LOG_KEEP, 0, 'decisionLogKeep');
    this.eraseDeadlineMs = whole(options.eraseDeadlineMs ?? DEFAULT_LOG_ERASE_DEADLINE_MS, 0, 'decisionLogEraseDeadlineMs');
    this.maxBatch = options.maxBatch ?? 512;
    this.now = options.now ?? Date.now;
    this.size = sizeOf(path);
    this.segmentStarted = this.size > 0 ? bornAt(path) : this.now();
    this.stream = appendStream(path);
    // Erasures asked for before a restart still have their deadline.
    this.pending = readEraseList(path);
    this.scheduleCompaction();
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  append(line: LogLine): void {
    this.buffer.push(JSON.stringify(line));
    this.bufferedLines.push(line);
    if (this.buffer.length >= this.maxBatch) void this.flush();
  }

  flush(): Promise<void> {
    return this.enqueue(() => this.writeBuffer());
  }

  /**
   * Drop the customer's buffered lines now and list the customer for the
   * compaction; returns the lines dropped now (the rest go by the deadline).
   */
  erase(customerId: string): Promise<number> {
    const filter = new ErasureFilter(customerId);
    const keep = this.bufferedLines.map((l) => !filter.drops(l));
    const dropped = keep.filter((k) => !k).length;
    if (dropped > 0) {
      this.buffer = this.buffer.filter((_, i) => keep[i]);
      this.bufferedLines = this.bufferedLines.filter((_, i) => keep[i]);
    }
    // Outcome lines still buffered whose decisions were written already are not known as the
    // customer's here; readers and the compaction, which see the decision first, drop them.
    return this.enqueue(async () => {
      if (!this.pending.has(customerId)) {
        const at = this.now();
        await appendFile(eraseListPath(this.path), `${JSON.stringify({ customerId, at })}\n`);
        this.pending.set(customerId, at);
        this.scheduleCompaction();
      }
      return dropped;
    });
  }

  /** Rewrite every segment without the listed customers' lines, then clear the list; returns the lines removed. */
  compact(): Promise<number> {
    return this.enqueue(() => this.compactNow());
  }

  /** Customers forgotten and not yet compacted away. */
  get pendingErasures(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.deadline);
    await this.flush();
    await this.enqueue(() => this.endStream());
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeBuffer(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.bufferedLines = [];
    await new Promise<void>((resolve, reject) => this.stream.write(chunk, (err) => (err ? reject(err) : resolve())));
    this.size += Buffer.byteLength(chunk);
    const aged = this.maxAgeMs > 0 && this.now() - this.segmentStarted >= this.maxAgeMs;
    if (this.size >= this.maxBytes || aged) await this.rotate();
  }

  /** `<path>` becomes `<path>.1`, each older one moves up a number, the one beyond `keep` is deleted. */
  private async rotate(): Promise<void> {
    await this.endStream();
    const rotated = segmentPaths(this.path).length - 1;
    for (let n = rotated; n >= Math.max(1, this.keep); n--) await rm(segmentPath(this.path, n), { force: true });
    for (let n = Math.min(rotated, this.keep - 1); n >= 0; n--) await rename(segmentPath(this.path, n), segmentPath(this.path, n + 1));
    if (this.keep === 0) await rm(this.path, { force: true });
    this.size = 0;
    this.segmentStarted = this.now();
    this.stream = appendStream(this.path);
    if (this.pending.size > 0) await this.compactNow();
  }

  private async compactNow(): Promise<number> {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    if (this.pending.size === 0) return 0;
    await this.writeBuffer();
    await this.endStream();
    const filter = new ErasureFilter(this.pending.keys());
    let removed = 0;
    // Oldest first: an outcome line's decision is in the same or an older segment.
    for (const file of segmentPaths(this.path)) removed += await rewriteWithout(file, filter);
    this.size = sizeOf(this.path);
    this.stream = appendStream(this.path);
    this.pending.clear();
    await unlink(eraseListPath(this.path)).catch(ignoreMissing);
    return removed;
  }

  private scheduleCompaction(): void {
    if (this.deadline !== undefined || this.pending.size === 0) return;
    const oldest = Math.min(...this.pending.values());
    const wait = Math.max(0, oldest + this.eraseDeadlineMs - this.now());
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      void this.compact();
    }, wait);
    this.deadline.unref();
  }

  private endStream(): Promise<void> {
    return new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

function whole(n: number, min: number, field: string): number {
  if (!Number.isInteger(n) || n < min) throw tactError('BAD_CONFIGURATION', `${field} must be a whole number >= ${min}, got ${n}`, field);
  return n;
}

/** Opened at once, so the written segment exists for readers from the moment it replaces the rotated one. */
function appendStream(path: string): WriteStream {
  return createWriteStream(path, { fd: openSync(path, 'a') });
}

/** A segment left by an earlier run counts its age from its file's creation. */
function bornAt(path: string): number {
  const st = statSync(path);
  return st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

/** Stream a segment through the filter into a sibling and swap it in; untouched when nothing is dropped. */
async function rewriteWithout(path: string, filter: ErasureFilter): Promise<number> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) return 0;
  const tmp = `${path}.erasing`;
  const out = createWriteStream(tmp, { flags: 'w' });
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let removed = 0;
  for await (const text of lines) {
    if (text === '') continue;
    if (filter.drops(JSON.parse(text) as LogLine)) {
      removed++;
      continue;
    }
    if (!out.write(text + '\n')) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  if (removed === 0) await unlink(tmp);
  else await rename(tmp, path);
  return removed;
}
