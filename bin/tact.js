#!/usr/bin/env node
// `npx tact <command>`. In a checkout, run the TypeScript source through tsx so the
// CLI never lags behind the code; an installed package without sources runs dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src/cli/main.ts');
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(path.join(root, 'dist/src/cli/main.js')).href);
}
