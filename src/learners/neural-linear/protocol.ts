/** Messages between the learner and its training worker (structured-cloned, big arrays transferred). */
import type { Network, NetworkMeta } from './network.js';

export type Backend = 'auto' | 'wasm' | 'cpu';

export interface TrainJob {
  readonly id: number;
  /** n x inputs, row-major: the replay buffer encoded with the frozen input scales. */
  readonly x: Float32Array;
  readonly inputs: number;
  /** Output index of each example's action (its position in meta.actions). */
  readonly action: Int32Array;
  /** Reward in units of the typical reward, so one learning rate serves clicks and order values. */
  readonly target: Float32Array;
  readonly meta: Pick<NetworkMeta, 'inputNames' | 'inputScales' | 'actions'>;
  readonly hidden: number;
  readonly embedding: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly backend: Backend;
  /** Version to use when not saving, or the lowest acceptable when saving. */
  readonly version: number;
  /** Save under this policy directory (as v<N>/); absent: keep in memory only. */
  readonly policyDir?: string;
}

export type TrainReply =
  | {
      readonly type: 'trained';
      readonly id: number;
      readonly network: Network;
      /** n x headDimension: [1, scaled embedding] of every job row, computed with network.ts's embed. */
      readonly embeddings: Float64Array;
      /** Where it was saved, if it was. */
      readonly dir?: string;
      readonly backend: string;
      readonly ms: number;
      readonly loss: number;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
