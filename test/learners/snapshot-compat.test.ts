import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Features } from '../../src/domain/features.js';
import type { ActionRef, LearnerSnapshot } from '../../src/learners/learner.js';
import { restoreLearner } from '../../src/learners/registry.js';

interface Saved {
  readonly actions: ActionRef[];
  readonly learners: Array<{
    snapshot: LearnerSnapshot;
    probes: Features[];
    scores: Array<{ mean: number[]; width: number[] }>;
  }>;
}

// Written by the code before each learner's config became one schema (see make.ts beside it).
const saved = JSON.parse(
  gunzipSync(readFileSync(new URL('../fixtures/snapshots/learner-snapshots.json.gz', import.meta.url))).toString('utf8'),
) as Saved;

describe('snapshots saved by earlier code', () => {
  it.each(saved.learners.map((l) => [l.snapshot.kind, l] as const))('%s restores and scores exactly as it did', (_kind, l) => {
    const learner = restoreLearner(l.snapshot);
    expect(learner.updates).toBe(60);
    l.probes.forEach((probe, i) => {
      const out = { mean: new Float64Array(saved.actions.length), width: new Float64Array(saved.actions.length) };
      learner.score(learner.prepare(probe), saved.actions, out);
      expect(Array.from(out.mean)).toEqual(l.scores[i]!.mean);
      expect(Array.from(out.width)).toEqual(l.scores[i]!.width);
    });
  });

  it('covers every kind the fixture was written for', () => {
    expect(saved.learners.map((l) => l.snapshot.kind)).toEqual(['bayes-hybrid', 'bayes-linear', 'bayes-shared', 'sgd']);
  });
});
