/**
 * Fixed logarithmic bins of a magnitude and the outlier cut over them,
 * shared by the reward unit (src/learners/reward-scale.ts) and the numeric
 * feature scales (scaler.ts). Bins are fixed, so a histogram over them is a
 * count per bin: adding and removing a value are exact inverses and the
 * histogram depends only on the values held, not on their order, which is
 * what unlearning (ForgetCustomer) needs.
 */

/** Bins per doubling of the magnitude: a bin's values are within 2^(1/8) (9%) of each other. */
export const BINS_PER_OCTAVE = 8;

/**
 * The bins cover 2^-64 .. 2^64, beyond anything the bounds allow (rewards at
 * most 1e12, features at most 1e15); a smaller magnitude goes to the lowest
 * bin, a larger one to the highest.
 */
export const LOWEST_BIN = -64 * BINS_PER_OCTAVE;
export const HIGHEST_BIN = 64 * BINS_PER_OCTAVE - 1;

/**
 * At most this share of the values, the largest, can be outliers, and only
 * those more than CUT_OCTAVES above the rest (above the 95th percentile).
 * Fewer than 20 values have no outliers: there is not enough to tell.
 */
export const OUTLIER_SHARE = 0.05;

/**
 * Values more than 2^6 = 64 times the 95th percentile (up to 2^(1/8) more,
 * the width of a bin) are outliers. Ordinary data has next to nothing out
 * there (log-normal money values, sigma 1.2: 0.3% of the mean square; a
 * count or a pixel: nothing), while a value sent a thousand times too large
 * is out for any of them.
 */
export const CUT_OCTAVES = 6;

export function binOf(magnitude: number): number {
  return Math.min(HIGHEST_BIN, Math.max(LOWEST_BIN, Math.floor(Math.log2(magnitude) * BINS_PER_OCTAVE)));
}

export interface CountedBin {
  readonly bin: number;
  readonly count: number;
}

/**
 * The highest bin whose values are not outliers, given the bins in use in
 * ascending order (any bin above it holds only outliers). Undefined when no
 * value is held.
 */
export function inlierLimit(bins: readonly CountedBin[]): number | undefined {
  let total = 0;
  for (const b of bins) total += b.count;
  if (total === 0) return undefined;
  let below = 0;
  for (const b of bins) {
    below += b.count;
    if (below >= (1 - OUTLIER_SHARE) * total) return b.bin + CUT_OCTAVES * BINS_PER_OCTAVE;
  }
  return bins[bins.length - 1]!.bin;
}
