/**
 * The public many-class streams of bench/data (UCI via R mlbench 2.1-3; see
 * bench/data/README.md), read with node:zlib so the benchmark needs no R,
 * and what issue 17 measured on the same data through gRPC, to print next
 * to ours. Each file: a header, then label (0-based class code) and the
 * numeric features, as a client would send them.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Data } from './many-class-streams.js';

/** Figures of issue 17's table (gRPC, bake-off protocol); VW is not installable here, so it is cited, not run. */
export interface IssueFigures {
  readonly tactThen: string;
  readonly textbook: string;
  readonly vw: string;
}

interface PublicStream {
  readonly file: string;
  readonly title: string;
  readonly issue?: IssueFigures;
}

export const PUBLIC_STREAMS: Readonly<Record<string, PublicStream>> = {
  letter: { file: 'letter', title: 'LetterRecognition (UCI): 26 classes, 16 features, 20,000 rows', issue: { tactThen: '0.476', textbook: '0.544', vw: '0.178' } },
  satellite: { file: 'satellite', title: 'Satellite (UCI Statlog Landsat): 6 classes, 36 features, 6,435 rows', issue: { tactThen: '0.802', textbook: '0.806', vw: '0.480' } },
  shuttle: { file: 'shuttle', title: 'Shuttle (UCI Statlog): 7 classes, 9 features, 58,000 rows', issue: { tactThen: '0.932', textbook: '0.940', vw: '0.908' } },
  vowel: { file: 'vowel', title: 'Vowel (UCI Deterding): 11 classes, 9 features, 990 rows' },
  vehicle: { file: 'vehicle', title: 'Vehicle (UCI Statlog): 4 classes, 18 features, 846 rows' },
  glass: { file: 'glass', title: 'Glass (UCI): 6 classes, 9 features, 214 rows' },
};

/** Issue 17's digits row (the stream itself is test/fixtures). */
export const DIGITS_ISSUE_FIGURES: IssueFigures = { tactThen: '0.850-0.855', textbook: '0.849', vw: '0.562' };

export function loadPublicStream(name: string): Data {
  const s = PUBLIC_STREAMS[name];
  if (s === undefined) throw new Error(`no public stream ${name} (${Object.keys(PUBLIC_STREAMS).join(', ')})`);
  const text = gunzipSync(readFileSync(new URL(`./data/${s.file}.csv.gz`, import.meta.url))).toString('utf8');
  const rows = text.split('\n').slice(1).filter((l) => l !== '');
  const x: number[][] = [];
  const y: number[] = [];
  for (const row of rows) {
    const v = row.split(',').map(Number);
    if (v.some((n) => !Number.isFinite(n))) throw new Error(`${s.file}.csv.gz: not a number in "${row}"`);
    y.push(v[0]!);
    x.push(v.slice(1));
  }
  return { name: s.title, k: Math.max(...y) + 1, x, y, ...(s.issue ? { issue: s.issue } : {}) };
}
