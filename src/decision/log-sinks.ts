import { createWriteStream, type WriteStream } from 'node:fs';
import type { DecisionLogSink, LogLine } from './log-entry.js';

/** No decision log (the default when none is configured). */
export const nullLogSink: DecisionLogSink = {
  append: () => {},
  flush: async () => {},
  close: async () => {},
};

/** Keeps lines in memory: tests and simulations. */
export class MemoryLogSink implements DecisionLogSink {
  readonly lines: LogLine[] = [];
  append(line: LogLine): void {
    this.lines.push(line);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * JSON-lines file, appended in batches off the request path: Decide only
 * pushes to an array; a timer (or a full batch) writes it out.
 */
export class JsonlFileLogSink implements DecisionLogSink {
  private buffer: string[] = [];
  private readonly stream: WriteStream;
  private readonly timer: NodeJS.Timeout;

  constructor(
    path: string,
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
    if (this.buffer.length === 0) return Promise.resolve();
    const chunk = this.buffer.join('\n') + '\n';
    this.buffer = [];
    return new Promise((resolve, reject) => this.stream.write(chunk, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}
