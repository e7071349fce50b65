import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Features } from '../domain/features.js';
import { splitCsvLine } from './csv.js';
import type { LoggedData, LoggedRound } from './logged-data.js';
import { tactError } from '../core/errors.js';

export interface ObdReadOptions {
  /** Keep only rows with this position (1-3); default all rows. */
  readonly position?: number;
  /** Keep rows with from <= timestamp < to (ms since epoch). */
  readonly from?: number;
  readonly to?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * Where an OBD log lives: `dir/<campaign>.csv` next to `dir/item_context.csv`.
 * Accepts either the directory or the log CSV itself.
 */
export function resolveObdPaths(path: string): { log: string; items: string } {
  if (statSync(path).isDirectory()) {
    const csvs = readdirSync(path).filter((f) => f.endsWith('.csv') && f !== 'item_context.csv');
    if (csvs.length !== 1) {
      throw tactError('BAD_INPUT_FILE', `${path}: expected one log CSV next to item_context.csv, found ${csvs.length} (${csvs.join(', ')})`);
    }
    return { log: join(path, csvs[0] as string), items: join(path, 'item_context.csv') };
  }
  const items = join(dirname(path), 'item_context.csv');
  if (!existsSync(items)) throw tactError('BAD_INPUT_FILE', `${path}: no item_context.csv next to it`);
  return { log: path, items };
}

/** True when `path` looks like an OBD directory or log CSV. */
export function looksLikeObd(path: string): boolean {
  try {
    const { items } = resolveObdPaths(path);
    return existsSync(items);
  } catch {
    return false;
  }
}

async function* csvRows(path: string, onProgress?: (read: number, total: number) => void): AsyncGenerator<string[]> {
  const total = statSync(path).size;
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let count = 0;
  for await (const line of lines) {
    if (line.length === 0) continue;
    yield splitCsvLine(line);
    if (onProgress && ++count % 2000 === 0) onProgress(stream.bytesRead, total);
  }
  onProgress?.(total, total);
}

function columnIndex(header: readonly string[], path: string, ...names: string[]): number {
  for (const name of names) {
    const i = header.indexOf(name);
    if (i >= 0) return i;
  }
  throw tactError('BAD_INPUT_FILE', `${path}: missing column ${names.join(' or ')}`);
}

/** item_context.csv: item_feature_0 is numeric, the others hashed categoricals (as in OBD's pipeline). */
export async function readObdItems(path: string): Promise<{ ids: string[]; features: Features[] }> {
  const rows: string[][] = [];
  for await (const row of csvRows(path)) rows.push(row);
  const header = rows.shift();
  if (!header) throw tactError('BAD_INPUT_FILE', `${path}: empty`);
  const idCol = columnIndex(header, path, 'item_id');
  const featureCols = header.map((name, i) => ({ name, i })).filter((c) => c.name.startsWith('item_feature_'));
  const items = rows.map((row) => {
    const numeric: Record<string, number> = {};
    const categorical: Record<string, string> = {};
    for (const { name, i } of featureCols) {
      const raw = row[i] ?? '';
      const x = Number(raw);
      if (raw !== '' && Number.isFinite(x)) numeric[name] = x;
      else categorical[name] = raw;
    }
    return { id: Number(row[idCol]), features: { numeric, categorical } as Features };
  });
  items.sort((a, b) => a.id - b.id);
  items.forEach((item, i) => {
    if (item.id !== i) throw tactError('BAD_INPUT_FILE', `${path}: item ids must be 0..K-1, found ${item.id} at ${i}`);
  });
  return { ids: items.map((i) => String(i.id)), features: items.map((i) => i.features) };
}

/** OBD timestamps look like "2019-11-24 00:03:13.442536+00:00"; Date.parse wants the ISO 'T'. */
export function parseObdTimestamp(raw: string): number {
  const ms = Date.parse(raw.replace(' ', 'T'));
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * Reads an Open Bandit Dataset log. Protocol choice: each row is one round
 * whose action set is every item of the campaign (as OBD's pipeline does by
 * default); the position is kept on the round but not part of the action, so
 * an evaluated policy that gives the same PMF at every slot (uniform, a fixed
 * item) is estimated over all slots pooled. `position` restricts the log to
 * one slot, which is the paper's per-position view.
 *
 * Context: the four hashed user features (categorical) and the user-item
 * affinities (numeric, one per item, named user_item_affinity_<item>).
 */
export async function readObd(path: string, options: ObdReadOptions = {}): Promise<LoggedData> {
  const paths = resolveObdPaths(path);
  const items = await readObdItems(paths.items);
  const k = items.ids.length;
  const rounds: LoggedRound[] = [];
  const skipped: Record<string, number> = {};
  const skip = (why: string): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  let header: string[] | undefined;
  let cols: { ts: number; item: number; pos: number; click: number; prop: number } | undefined;
  let userCols: { name: string; i: number }[] = [];
  let affinityCols: { name: string; i: number }[] = [];
  let rowNo = 0;
  for await (const row of csvRows(paths.log, options.onProgress)) {
    if (!header || !cols) {
      header = row;
      cols = {
        ts: columnIndex(row, paths.log, 'timestamp'),
        item: columnIndex(row, paths.log, 'item_id'),
        pos: columnIndex(row, paths.log, 'position'),
        click: columnIndex(row, paths.log, 'click'),
        prop: columnIndex(row, paths.log, 'propensity_score', 'action_prob'),
      };
      userCols = row.map((name, i) => ({ name, i })).filter((c) => c.name.startsWith('user_feature_'));
      affinityCols = row
        .map((name, i) => ({ name: name.replace('user-item_affinity_', 'user_item_affinity_'), i }))
        .filter((c) => c.name.startsWith('user_item_affinity_'));
      continue;
    }
    rowNo++;
    if (row.length !== header.length) throw tactError('BAD_INPUT_FILE', `${paths.log}:${rowNo + 1}: ${row.length} fields, header has ${header.length}`);
    const position = Number(row[cols.pos]);
    if (options.position !== undefined && position !== options.position) {
      skip('other position');
      continue;
    }
    const at = parseObdTimestamp(row[cols.ts] ?? '');
    if ((options.from !== undefined && at < options.from) || (options.to !== undefined && at >= options.to)) {
      skip('outside time range');
      continue;
    }
    const chosen = Number(row[cols.item]);
    if (!Number.isInteger(chosen) || chosen < 0 || chosen >= k) {
      throw tactError('BAD_INPUT_FILE', `${paths.log}:${rowNo + 1}: item_id ${row[cols.item]} not in item_context (0..${k - 1})`);
    }
    const categorical: Record<string, string> = {};
    for (const { name, i } of userCols) categorical[name] = row[i] ?? '';
    const numeric: Record<string, number> = {};
    for (const { name, i } of affinityCols) numeric[name] = Number(row[i]);
    rounds.push({
      id: String(rowNo - 1),
      at,
      context: { numeric, categorical },
      actionIds: items.ids,
      actionFeatures: items.features,
      chosen,
      propensity: Number(row[cols.prop]),
      reward: Number(row[cols.click]),
      position,
    });
  }
  return { source: `obd:${paths.log}`, rounds, skipped };
}
