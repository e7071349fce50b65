/**
 * The representation network as plain arrays, and its forward pass in plain
 * TypeScript. TensorFlow.js trains the network on a worker thread; the request
 * path only multiplies a few small matrices, which is faster in JS than
 * creating tensors, and keeps tfjs (and its startup) off the main thread.
 */

export type Activation = 'relu' | 'tanh' | 'linear';

export interface DenseLayer {
  readonly inputs: number;
  readonly units: number;
  /** inputs x units, row-major: tfjs's own kernel layout, so weights copy as they are. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

/** What defines the embedding besides the weights: saved with them in model.json. */
export interface NetworkMeta {
  readonly version: number;
  /** Vocabulary names of the inputs, in input order (names[0] is the bias slot). */
  readonly inputNames: readonly string[];
  /** The learner's feature scales frozen at training time: later scale changes must not move the embedding. */
  readonly inputScales: readonly number[];
  /** Per embedding unit: divide by this so the head sees values in [-1, 1], like scaled raw features. */
  readonly embedScale: readonly number[];
  /** Action ids of the training head's outputs (not needed for the embedding). */
  readonly actions: readonly string[];
  /** Examples the network was trained on. */
  readonly trainedOn: number;
}

export interface Network {
  readonly meta: NetworkMeta;
  /** Hidden layers, the last of which is the embedding, then the action-value output layer. */
  readonly layers: readonly DenseLayer[];
}

export function inputSize(net: Network): number {
  return net.layers[0]!.inputs;
}

/** Embedding dimension including the bias: the head's dimension. */
export function headDimension(net: Network): number {
  return net.layers[net.layers.length - 2]!.units + 1;
}

function dense(layer: DenseLayer, x: ArrayLike<number>, out: Float64Array): void {
  const { inputs, units, kernel, bias } = layer;
  for (let j = 0; j < units; j++) out[j] = bias[j]!;
  for (let i = 0; i < inputs; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = i * units;
    for (let j = 0; j < units; j++) out[j] = out[j]! + xi * kernel[row + j]!;
  }
  switch (layer.activation) {
    case 'relu':
      for (let j = 0; j < units; j++) if (out[j]! < 0) out[j] = 0;
      return;
    case 'tanh':
      for (let j = 0; j < units; j++) out[j] = Math.tanh(out[j]!);
      return;
    case 'linear':
      return;
  }
}

/** Run layers [0, upTo) on `input`; returns the last activations. */
function run(net: Network, input: Float32Array, upTo: number): Float64Array {
  let x: ArrayLike<number> = input;
  let out = new Float64Array(0);
  for (let l = 0; l < upTo; l++) {
    const layer = net.layers[l]!;
    out = new Float64Array(layer.units);
    dense(layer, x, out);
    x = out;
  }
  return out;
}

/**
 * The head's feature vector for an encoded input: [1, h / embedScale]. The
 * worker computes the training set's embeddings with this same function, so
 * the head rebuilt from them is bit-identical to one learned online.
 */
export function embed(net: Network, input: Float32Array, out: Float64Array = new Float64Array(headDimension(net))): Float64Array {
  const h = run(net, input, net.layers.length - 1);
  const scale = net.meta.embedScale;
  out[0] = 1;
  for (let j = 0; j < h.length; j++) out[j + 1] = h[j]! / scale[j]!;
  return out;
}

/** Embedding before scaling (the worker derives embedScale from it). */
export function rawEmbedding(net: Network, input: Float32Array): Float64Array {
  return run(net, input, net.layers.length - 1);
}

/** The training head's action values: for checks against tfjs's own predict. */
export function outputs(net: Network, input: Float32Array): Float64Array {
  return run(net, input, net.layers.length);
}
