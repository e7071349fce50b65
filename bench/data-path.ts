import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tactError } from '../src/core/errors.js';

/**
 * The repository root: the nearest ancestor holding Tact's package.json.
 * Walking up (instead of a fixed "../..") keeps this right both under tsx
 * (bench/) and compiled.
 */
export function repoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
        if (typeof parsed === 'object' && parsed !== null && (parsed as { name?: unknown }).name === 'tact') {
          return dir;
        }
      } catch {
        // Not ours (or unreadable): keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw tactError('BAD_CONFIGURATION', `cannot find Tact's package.json above ${start}`);
    dir = parent;
  }
}

/**
 * A path under the shared, read-only data directory that sits next to the
 * checkout (shared/data): the full samples the benchmarks read. Tests
 * never need it (their data is under test/fixtures). TACT_SHARED_DATA overrides it.
 */
export function dataPath(...parts: string[]): string {
  const base = process.env['TACT_SHARED_DATA'] ?? resolve(repoRoot(), '..', 'shared', 'data');
  return resolve(base, ...parts);
}
