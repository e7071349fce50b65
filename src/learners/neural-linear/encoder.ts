import { categoricalKey, type Features } from '../../domain/features.js';
import { CUT_OCTAVES } from '../../features/log-bins.js';
import { scaleValue } from '../../features/scaler.js';
import { BIAS_INDEX, type FeatureVocabulary } from '../../features/vocabulary.js';
import type { NetworkMeta } from './network.js';

/**
 * A value this many frozen scales out is an outlier (the cut of log-bins.ts):
 * the network reads it as absent, as the raw learner learns an outlier as 0.
 * A network trained on inputs within +-1 has nothing sensible to say about
 * an input of 1e3, and the head would learn its huge embedding as if it
 * were data (one such example pins the head's weights). Values that merely
 * outgrew the scale since training (within 64 times) read as before.
 */
const OUTLIER_FACTOR = 2 ** CUT_OCTAVES;

/**
 * Encodes a context as the network's input: the learner's vocabulary gives
 * each feature its index, and the learner's scales are the ones frozen when the
 * network was trained. The raw learner keeps rescaling as new maxima arrive;
 * the network's inputs must not move under it, or the head's statistics
 * (sums over past embeddings) would silently mix two different embeddings.
 *
 * Values are stored as float32 on purpose: the worker receives exactly these
 * numbers, so embeddings computed there and here are bit-identical.
 */
export class InputEncoder {
  /** Vocabulary index -> input position, -1 for features the network does not know. */
  private positions = new Int32Array(0);
  private mappedSize = -1;

  constructor(
    readonly meta: Pick<NetworkMeta, 'inputNames' | 'inputScales'>,
    private readonly vocabulary: FeatureVocabulary,
  ) {}

  get size(): number {
    return this.meta.inputNames.length;
  }

  encode(context: Features): Float32Array {
    this.refresh();
    const input = new Float32Array(this.size);
    const pos = this.positions;
    const scales = this.meta.inputScales;
    const b = pos[BIAS_INDEX]!;
    if (b >= 0) input[b] = 1;
    for (const name in context.numeric) {
      const v = context.numeric[name] ?? 0;
      if (v === 0 || !Number.isFinite(v)) continue;
      const i = this.vocabulary.lookup(name);
      const p = i >= 0 && i < pos.length ? pos[i]! : -1;
      if (p < 0) continue;
      const scale = scales[p]!;
      if (scale > 0 && Math.abs(v) > OUTLIER_FACTOR * scale) continue;
      input[p] = input[p]! + scaleValue(v, scale);
    }
    for (const name in context.categorical) {
      const i = this.vocabulary.lookup(categoricalKey(name, context.categorical[name] ?? ''));
      const p = i >= 0 && i < pos.length ? pos[i]! : -1;
      if (p >= 0) input[p] = input[p]! + 1;
    }
    return input;
  }

  /**
   * A network trained by this learner has inputs = vocabulary indices, so the
   * map is the identity; one loaded from disk into another vocabulary is
   * matched by feature name. Redone when the vocabulary grows, because a
   * loaded network may know names the vocabulary learns only later.
   */
  private refresh(): void {
    const size = this.vocabulary.size;
    if (size === this.mappedSize) return;
    const positions = new Int32Array(this.vocabulary.capacity).fill(-1);
    const names = this.meta.inputNames;
    for (let p = 0; p < names.length; p++) {
      const i = p < size && this.vocabulary.nameOf(p) === names[p] ? p : this.vocabulary.lookup(names[p]!);
      if (i >= 0 && i < positions.length && positions[i] === -1) positions[i] = p;
    }
    if (names[0] !== undefined) positions[BIAS_INDEX] = 0;
    this.positions = positions;
    this.mappedSize = size;
  }
}
