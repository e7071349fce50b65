import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, tactError, TactError } from '../../src/core/errors.js';

/** Every .ts file under dir. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const SRC = new URL('../../src', import.meta.url).pathname;

describe('catalogued errors', () => {
  it('src/ throws no plain Error outside src/learners (being rewritten in parallel) and generated code', () => {
    const offenders = sources(SRC)
      .filter((f) => !f.includes('/learners/') && !f.includes('/generated/'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ f, i, line }))
          .filter(({ line }) => /throw new (Range|Type)?Error\(/.test(line)),
      )
      .map(({ f, i }) => `${f.slice(SRC.length)}:${i + 1}`);
    expect(offenders).toEqual([]);
  });

  it('gives every error a stable reason whose code comes from the catalogue', () => {
    const e = tactError('VALUE_OUT_OF_BOUNDS', 'too big', 'value');
    expect(e).toBeInstanceOf(TactError);
    expect(e.code).toBe('invalid_argument');
    expect(e.reason).toBe('VALUE_OUT_OF_BOUNDS');
    expect(new TactError('not_found', 'x').reason).toBe('NOT_FOUND');
    for (const [reason, entry] of Object.entries(ERROR_CATALOG)) {
      expect(reason).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(entry.doc.length).toBeGreaterThan(10);
    }
  });
});
