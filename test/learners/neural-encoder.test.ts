import { describe, expect, it } from 'vitest';
import { BIAS_NAME, FeatureVocabulary } from '../../src/features/vocabulary.js';
import { InputEncoder } from '../../src/learners/neural-linear/encoder.js';

describe('InputEncoder (frozen scales)', () => {
  const vocabulary = new FeatureVocabulary();
  vocabulary.learnIndex('u');
  vocabulary.learnIndex('fresh');
  const encoder = new InputEncoder({ inputNames: [BIAS_NAME, 'u', 'fresh'], inputScales: [0, 100, 0] }, vocabulary);
  const read = (u: number) => Array.from(encoder.encode({ numeric: { u }, categorical: {} }));

  it('reads values in units of the scale frozen at training time, also once they outgrew it', () => {
    expect(read(50)).toEqual([1, 0.5, 0]);
    expect(read(-250)).toEqual([1, -2.5, 0]);
    expect(read(6400)).toEqual([1, 64, 0]);
  });

  it('reads an outlier (more than 64 scales out) as absent, as the raw learner learns it', () => {
    expect(read(1e8)).toEqual([1, 0, 0]);
    expect(read(-6500)).toEqual([1, 0, 0]);
    // A feature the network saw no scale for still reads as its sign.
    expect(Array.from(encoder.encode({ numeric: { fresh: 1e8 }, categorical: {} }))).toEqual([1, 0, 1]);
  });
});
