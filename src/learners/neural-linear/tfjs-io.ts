/**
 * The TensorFlow.js side: backend choice, the model, and IO handlers that
 * read and write model.json + weights.bin with node:fs (tfjs's file://
 * handlers live in tfjs-node, which is not a dependency). Imported by the
 * training worker and by tests, never by the request path.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TfNamespace from '@tensorflow/tfjs';
import { invariant } from '../../core/errors.js';
import { readModelFiles, writeModelFiles, WEIGHTS_FILE } from './model-files.js';
import type { Activation, DenseLayer, Network, NetworkMeta } from './network.js';

export type Tf = typeof TfNamespace;
export type BackendChoice = 'auto' | 'wasm' | 'cpu';

let loaded: Promise<{ tf: Tf; backend: string }> | undefined;

/** tfjs's wasm binaries sit next to the backend's entry point in node_modules. */
function wasmDir(): string {
  return `${path.dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')))}${path.sep}`;
}

/**
 * tfjs-node when it happens to be installed (native, fastest), else wasm
 * (about twice the cpu backend's training speed on a small MLP, measured
 * 2.3 s vs 4.6 s for 20 epochs of 2,000 rows, 65-64-32-10), else cpu.
 */
export function loadTf(choice: BackendChoice = 'auto'): Promise<{ tf: Tf; backend: string }> {
  loaded ??= (async () => {
    if (choice === 'auto') {
      // A variable specifier: tfjs-node is optional at run time and unknown to the type checker.
      const native = '@tensorflow/tfjs-node';
      try {
        const tf = (await import(native)) as Tf;
        return { tf, backend: tf.getBackend() };
      } catch {
        // not installed: fall through to wasm
      }
    }
    const tf = await import('@tensorflow/tfjs');
    if (choice !== 'cpu') {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(wasmDir());
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return { tf, backend: 'wasm' };
        }
      } catch {
        // wasm unavailable: cpu below
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return { tf, backend: 'cpu' };
  })();
  return loaded;
}

export interface Architecture {
  readonly inputs: number;
  readonly hidden: number;
  readonly embedding: number;
  readonly outputs: number;
  readonly seed: number;
}

/** input -> hidden (relu) -> embedding (tanh: bounded, like scaled raw features) -> one value per action. */
export function buildModel(tf: Tf, a: Architecture): TfNamespace.Sequential {
  const model = tf.sequential();
  const init = (k: number) => tf.initializers.glorotUniform({ seed: a.seed * 7 + k });
  model.add(tf.layers.dense({ name: 'h0', inputShape: [a.inputs], units: a.hidden, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.dense({ name: 'embedding', units: a.embedding, activation: 'tanh', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ name: 'actions', units: a.outputs, activation: 'linear', kernelInitializer: init(3) }));
  return model;
}

/** Copy a trained model's weights into plain arrays. */
export function networkFromModel(model: TfNamespace.LayersModel, meta: NetworkMeta): Network {
  const layers: DenseLayer[] = model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    if (!kernel || !bias) throw invariant(`layer ${layer.name} has no kernel and bias`);
    const [inputs, units] = kernel.shape as [number, number];
    const activation = (layer.getConfig()['activation'] ?? 'linear') as Activation;
    return { inputs, units, kernel: Float32Array.from(kernel.dataSync()), bias: Float32Array.from(bias.dataSync()), activation };
  });
  return { meta, layers };
}

function joinWeights(data: TfNamespace.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** `model.save(fileSaveHandler(tf, dir))` writes model.json + weights.bin into dir. */
export function fileSaveHandler(tf: Tf, dir: string): TfNamespace.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    const weights = joinWeights(artifacts.weightData);
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      userDefinedMetadata: artifacts.userDefinedMetadata ?? {},
    };
    writeModelFiles(dir, { modelJson, weights });
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
        weightDataBytes: weights.byteLength,
      },
    };
  });
}

/** `tf.loadLayersModel(fileLoadHandler(dir))`: the reverse of fileSaveHandler. */
export function fileLoadHandler(dir: string): TfNamespace.io.IOHandler {
  return {
    load: async (): Promise<TfNamespace.io.ModelArtifacts> => {
      const { modelJson, weights } = readModelFiles(dir);
      const manifest = modelJson['weightsManifest'] as Array<{ weights: TfNamespace.io.WeightsManifestEntry[] }>;
      const copy = new Uint8Array(weights);
      return {
        modelTopology: modelJson['modelTopology'] as TfNamespace.io.ModelArtifacts['modelTopology'],
        format: 'layers-model',
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: copy.buffer,
        userDefinedMetadata: modelJson['userDefinedMetadata'] as TfNamespace.io.ModelArtifacts['userDefinedMetadata'],
      };
    },
  };
}
