import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or installed package) root, found from this file whether it
 * runs from src/ (tsx, vitest) or from dist/src/ (npm start).
 */
function findRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = here.split(path.sep);
  const dist = parts.lastIndexOf('dist');
  const src = parts.lastIndexOf('src');
  const cut = dist >= 0 && dist === src - 1 ? dist : src;
  return parts.slice(0, cut).join(path.sep) || path.sep;
}

export const REPO_ROOT = findRoot();
export const MODELS_DIR = path.join(REPO_ROOT, 'models');
export const PROTO_DIR = path.join(REPO_ROOT, 'proto');
