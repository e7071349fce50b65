/**
 * Test data vendored under test/fixtures, so the suite needs nothing outside
 * the repository. The OBD logs are stored gzipped; the readers take plain
 * CSV, so each test worker unpacks the ones it asks for once into a
 * temporary directory.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = path.join(import.meta.dirname, '../fixtures');

/** The digits data set (gzipped CSV, 64 pixels and a label per row). */
export const DIGITS_FIXTURE = path.join(FIXTURES, 'digits', 'digits.csv.gz');

let unpacked: string | undefined;

/**
 * A path in the OBD sample, laid out as the shared OBD sample: obdPath('random', 'men')
 * is the directory, obdPath('random', 'men', 'men.csv') the log itself.
 */
export function obdPath(policy: 'random' | 'bts', campaign: 'men' | 'women', file?: string): string {
  if (unpacked === undefined) {
    const made = mkdtempSync(path.join(tmpdir(), 'tact-obd-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    unpacked = made;
  }
  const dir = path.join(unpacked, policy, campaign);
  const log = path.join(dir, `${campaign}.csv`);
  if (!existsSync(log)) {
    const from = path.join(FIXTURES, 'obd', policy, campaign);
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(from, 'item_context.csv'), path.join(dir, 'item_context.csv'));
    writeFileSync(log, gunzipSync(readFileSync(`${path.join(from, campaign)}.csv.gz`)));
  }
  return file ? path.join(dir, file) : dir;
}
