import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROTO_ROOT, runBuf } from '../support/buf.js';

describe('buf lint (STANDARD, exceptions in proto/buf.yaml)', () => {
  it('passes on the proto as committed', async () => {
    const r = await runBuf(['lint']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('still reports what the exceptions do not cover (a new unprefixed enum, a mis-named response)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tact-buf-'));
    try {
      await cp(PROTO_ROOT, dir, { recursive: true });
      const file = path.join(dir, 'tact/v1/tact.proto');
      const proto = await readFile(file, 'utf8');
      await writeFile(
        file,
        proto.replace('rpc Rollback(RollbackRequest) returns (RollbackResponse);', 'rpc Rollback(RollbackRequest) returns (PolicyChange);') +
          '\nmessage PolicyChange { string current = 1; }\n',
      );
      await writeFile(path.join(dir, 'tact/v1/extra.proto'), 'syntax = "proto3";\npackage tact.v1;\nenum Colour { COLOUR_UNSPECIFIED = 0; RED = 1; }\n');
      const r = await runBuf(['lint'], dir);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toContain('RPC response type "PolicyChange" should be named "RollbackResponse"');
      expect(r.stdout).toContain('Enum value name "RED" should be prefixed with "COLOUR_"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
