import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { DecisionLogSink, LogLine } from './log-entry.js';

/** No decision log (the default when none is configured). */
export const nullLogSink: DecisionLogSink = {
  enabled: false,
  append: () => {},
  flush: async () => {},
  erase: async () => 0,
  close: async () => {},
};

/**
 * Keeps the lines of one customer's decisions out: a decision line names its
 * customer, an outcome line only its decision, which is always written
 * earlier (a reward can only arrive after its decision was returned).
 */
export class ErasureFilter {
  private readonly decisions = new Set<string>();
  constructor(private readonly customerId: string) {}

  /** True when the line belongs to the customer being forgotten. */
  drops(line: LogLine): boolean {
    if (line.type === 'decision') {
      if (line.customerId !== this.customerId) return false;
      this.decisions.add(line.decisionId);
      return true;
    }
    return this.decisions.has(line.decisionId);
  }
}

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

/**
 * JSON-lines file, appended in batches off the request path: Decide only
 * pushes to an array; a timer (or a full batch) writes it out. Writes and
 * erasures run one at a time on a queue, so an erasure's rewrite never
 * interleaves with a batch.
 */
export class JsonlFileLogSink implements DecisionLogSink {
  readonly enabled = true;
  private buffer: string[] = [];
  private stream: WriteStream;
  private readonly timer: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly maxBatch = 512,
    flushIntervalMs = 200,
  ) {
    this.stream = createWriteStream(path, { flags: 'a' });
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  append(line: LogLine): void {
    this.buffer.push(JSON.stringify(line));
    if (this.buffer.length >= this.maxBatch) void this.flush();
  }

  flush(): Promise<void> {
    return this.enqueue(() => this.writeBuffer());
  }

  erase(customerId: string): Promise<number> {
    return this.enqueue(async () => {
      await this.writeBuffer();
      await new Promise<void>((resolve) => this.stream.end(resolve));
      const removed = await rewriteWithout(this.path, new ErasureFilter(customerId));
      this.stream = createWriteStream(this.path, { flags: 'a' });
      return removed;
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.enqueue(() => new Promise<void>((resolve) => this.stream.end(resolve)));
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private writeBuffer(): Promise<void> {
    if (this.buffer.length === 0) return Promise.resolve();
    const chunk = this.buffer.join('\n') + '\n';
    this.buffer = [];
    return new Promise((resolve, reject) => this.stream.write(chunk, (err) => (err ? reject(err) : resolve())));
  }
}

/** Stream the file through the filter into a sibling, then swap it in atomically. */
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
  await rename(tmp, path);
  return removed;
}
