#!/usr/bin/env node
// `npm start`'s pre-step: compile src/ to dist/ only when a source is newer
// than the last build, so a second start on an unchanged checkout skips the
// ~40 s build and serves in about a second. Plain JS: it must run before
// anything is compiled. `npm run build` always compiles.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newest(file) {
  const s = statSync(file);
  if (!s.isDirectory()) return s.mtimeMs;
  let latest = s.mtimeMs; // a deleted or renamed source changes its directory
  for (const entry of readdirSync(file)) latest = Math.max(latest, newest(path.join(file, entry)));
  return latest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -Infinity;
const changed = Math.max(...inputs.map((f) => path.join(root, f)).filter(existsSync).map(newest));
if (changed <= built) process.exit(0);

// The stamp gets the time the build started: a source saved during the build is newer and rebuilds next time.
const started = new Date();
process.stderr.write(existsSync(stamp) ? 'tact: sources changed, building (npm run build)...\n' : 'tact: first start, building (npm run build)...\n');
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
closeSync(openSync(stamp, 'a'));
utimesSync(stamp, started, started);
