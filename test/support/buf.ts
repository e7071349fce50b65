import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The buf binary the @bufbuild/buf dev dependency ships (the same one `npx buf` runs). */
export const BUF = path.join(ROOT, 'node_modules/.bin/buf');
export const PROTO_ROOT = path.join(ROOT, 'proto');

export interface BufResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs buf and resolves with its exit code and output (a failing buf is a result, not a throw). */
export function runBuf(args: readonly string[], cwd = PROTO_ROOT, input?: string): Promise<BufResult> {
  return new Promise((resolve) => {
    const child = execFile(BUF, [...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
