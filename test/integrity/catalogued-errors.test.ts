import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('errors thrown by src/', () => {
  // A plain Error has no stable reason: the gRPC edge can only call it INTERNAL, and clients and alerts cannot match on it.
  it('are catalogued TactErrors (or typed errors of their own), never a plain Error, RangeError or TypeError', () => {
    const plain = sources(SRC).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${path.relative(SRC, file)}:${i + 1}`, line }))
        .filter(({ line }) => /throw\s+(new\s+)?(Error|RangeError|TypeError)\(/.test(line))
        .map(({ where }) => where),
    );
    expect(plain).toEqual([]);
  });
});
