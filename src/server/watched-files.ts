import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { TactError } from '../core/errors.js';

/** A file to watch and the flag that names it (for error messages). */
export interface WatchedFile {
  readonly path: string;
  readonly flag: string;
}

export interface WatchedFilesOptions<T> {
  readonly files: readonly WatchedFile[];
  /** Turns the files' bytes (in `files` order) into a value; throws when they are not usable. */
  readonly parse: (contents: readonly Buffer[]) => T;
  /** How often the files are read again, ms; 0 means never (reload() only). */
  readonly intervalMs: number;
  readonly logger?: Logger;
  /** What the files are, for log lines ("TLS certificate", "auth tokens"). */
  readonly what: string;
}

/**
 * Credentials (certificates, token hashes, JWKS) that change while the server
 * runs. Polling rather than fs.watch: secret mounts (Kubernetes, Vault agents)
 * swap files by renaming a symlink, which fs.watch misses but a read sees.
 * A change is taken only when all files parse together, so a rotation caught
 * half-written (new certificate, old key) keeps the previous credentials and
 * is picked up on the next poll.
 */
export class WatchedFiles<T> {
  private value: T;
  private last: readonly Buffer[];
  private readonly listeners = new Set<(value: T) => void>();
  private readonly timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;

  constructor(private readonly options: WatchedFilesOptions<T>) {
    // The first read is synchronous and fatal: a server must not start without its credentials.
    this.last = options.files.map((f) => {
      try {
        return readFileSync(f.path);
      } catch (err) {
        throw new TactError('invalid_argument', `cannot read ${f.path}: ${(err as Error).message}`, f.flag);
      }
    });
    try {
      this.value = options.parse(this.last);
    } catch (err) {
      throw new TactError('invalid_argument', (err as Error).message, options.files.map((f) => f.flag).join(', '));
    }
    if (options.intervalMs > 0) {
      this.timer = setInterval(() => void this.reload(), options.intervalMs);
      this.timer.unref();
    }
  }

  current(): T {
    return this.value;
  }

  /** Called with every new value (not with the first). */
  onChange(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Read the files now (SIGHUP, tests); resolves once the read is done. */
  reload(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
  }

  private async read(): Promise<void> {
    const { files, parse, logger, what } = this.options;
    let contents: Buffer[];
    try {
      contents = await Promise.all(files.map((f) => readFile(f.path)));
    } catch (err) {
      logger?.warn({ err: (err as Error).message }, `${what}: cannot read; keeping the previous ones`);
      return;
    }
    if (contents.every((c, i) => this.last[i]?.equals(c))) return;
    let value: T;
    try {
      value = parse(contents);
    } catch (err) {
      // Not stored as `last`: the same bytes are tried again (a pair written in two steps).
      logger?.warn({ err: (err as Error).message }, `${what}: changed but not usable; keeping the previous ones`);
      return;
    }
    this.last = contents;
    this.value = value;
    logger?.info({ files: files.map((f) => f.path) }, `${what} reloaded`);
    for (const listener of this.listeners) listener(value);
  }
}
