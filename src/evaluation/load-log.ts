import { statSync } from 'node:fs';
import type { LoggedData } from './logged-data.js';
import { looksLikeObd, readObd } from './obd-reader.js';
import { readTactLog } from './tact-log-reader.js';
import { tactError } from '../core/errors.js';

export type LogFormat = 'tact' | 'obd';

export interface LoadLogOptions {
  readonly format?: LogFormat;
  readonly from?: number;
  readonly to?: number;
  /** OBD only: keep one position. */
  readonly position?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** A directory or a .csv with item_context.csv beside it is OBD; anything else is Tact JSONL. */
export function detectFormat(path: string): LogFormat {
  if (statSync(path).isDirectory() || path.endsWith('.csv')) {
    if (!looksLikeObd(path)) throw tactError('BAD_INPUT_FILE', `${path}: looks like CSV/directory but no OBD log with item_context.csv found`);
    return 'obd';
  }
  return 'tact';
}

export async function loadLog(path: string, options: LoadLogOptions = {}): Promise<LoggedData> {
  const format = options.format ?? detectFormat(path);
  const common = {
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  if (format === 'obd') {
    return readObd(path, { ...common, ...(options.position !== undefined ? { position: options.position } : {}) });
  }
  if (options.position !== undefined) throw tactError('BAD_CONFIGURATION', '--position applies to OBD logs only');
  return readTactLog(path, common);
}
