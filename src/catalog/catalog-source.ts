import { TactError } from '../core/errors.js';
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Catalog } from './catalog.js';
import { parseCatalog } from './load.js';

/** What a reload attempt did: the new catalog is serving, or the file was invalid and the old one still is. */
export type ReloadOutcome = { readonly ok: true; readonly catalog: Catalog } | { readonly ok: false; readonly error: unknown };

/**
 * The catalog every Decide reads, swapped whole on reload. A new file is
 * parsed and validated completely before the swap (one reference
 * assignment), and the engine takes the catalog once per Decide, so a
 * decision never mixes two versions; an invalid file leaves the serving
 * catalog in place.
 */
export class CatalogSource {
  private current: Catalog;

  constructor(
    initial: Catalog,
    /** The file it came from; undefined for a catalog given in code (tests, simulations), which never reloads. */
    readonly path?: string,
  ) {
    this.current = initial;
  }

  static fromFile(path: string): CatalogSource {
    return new CatalogSource(parseCatalog(readFileSync(path, 'utf8'), path), path);
  }

  /** The serving catalog. */
  readonly get = (): Catalog => this.current;

  /** Read the file again; swap only if it is valid. Throws CatalogError (every problem listed) otherwise. */
  reload(): Catalog {
    if (this.path === undefined) throw new TactError('failed_precondition', 'this catalog was not loaded from a file');
    const next = parseCatalog(readFileSync(this.path, 'utf8'), this.path);
    this.current = next;
    return next;
  }

  /**
   * Reload whenever the file changes. Polls the file's stat (every
   * `intervalMs`) rather than using fs.watch: editors and config-map mounts
   * replace files by rename, which inotify watches lose track of. The watch
   * never keeps the process alive. Returns the function that stops it.
   */
  watch(onReload: (outcome: ReloadOutcome) => void, intervalMs = 1000): () => void {
    const path = this.path;
    if (path === undefined) return () => {};
    const listener = (now: Stats, before: Stats): void => {
      if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
      // A missing file (deleted mid-replace) stats as all zeros: keep serving, wait for the next change.
      if (now.mtimeMs === 0) return;
      try {
        onReload({ ok: true, catalog: this.reload() });
      } catch (error) {
        onReload({ ok: false, error });
      }
    };
    watchFile(path, { persistent: false, interval: intervalMs }, listener);
    return () => unwatchFile(path, listener);
  }
}
