/**
 * Networks on disk, in TensorFlow.js's own layers-model format (model.json +
 * weights.bin), so `tf.loadLayersModel` can open them too. Reading needs no
 * tfjs: a snapshot restore is synchronous and must not pull tfjs onto the
 * main thread just to copy a few float arrays.
 *
 * Layout: <root>/neural-linear/<policy>/v<N>/{model.json,weights.bin}.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { tactError } from '../../core/errors.js';
import type { Activation, DenseLayer, Network, NetworkMeta } from './network.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Where a policy's networks live under a models root. */
export function policyModelsDir(root: string, policy: string): string {
  return path.join(root, 'neural-linear', policy);
}

export function versionDir(policyDir: string, version: number): string {
  return path.join(policyDir, `v${version}`);
}

/** Highest saved version in a policy directory, 0 when none. */
export function latestVersion(policyDir: string): number {
  let latest = 0;
  let entries: string[];
  try {
    entries = readdirSync(policyDir);
  } catch {
    return 0;
  }
  for (const e of entries) {
    const m = /^v(\d+)$/.exec(e);
    if (m) latest = Math.max(latest, Number(m[1]));
  }
  return latest;
}

/**
 * Claim the next free version directory. mkdir without `recursive` fails if
 * the directory exists, so two writers (replicas, a restarted server) never
 * overwrite each other's network.
 */
export function claimVersionDir(policyDir: string, atLeast: number): { version: number; dir: string } {
  mkdirSync(policyDir, { recursive: true });
  for (let v = Math.max(atLeast, latestVersion(policyDir) + 1); ; v++) {
    const dir = versionDir(policyDir, v);
    try {
      mkdirSync(dir);
      return { version: v, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

const weightSpec = z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32') });

const metaSchema = z.object({
  version: z.number().int().nonnegative(),
  inputNames: z.array(z.string()),
  inputScales: z.array(z.number()),
  embedScale: z.array(z.number().positive()),
  actions: z.array(z.string()),
  trainedOn: z.number().int().nonnegative(),
});

const modelJsonSchema = z.object({
  format: z.literal('layers-model'),
  modelTopology: z.object({
    config: z.object({
      layers: z.array(
        z.object({
          class_name: z.literal('Dense'),
          config: z.object({ name: z.string(), units: z.number().int().positive(), activation: z.enum(['relu', 'tanh', 'linear']) }),
        }),
      ),
    }),
  }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpec) })).length(1),
  userDefinedMetadata: z.object({ tact: metaSchema }),
});

export interface ModelFiles {
  /** Parsed model.json. */
  readonly modelJson: Record<string, unknown>;
  readonly weights: Uint8Array;
}

export function writeModelFiles(dir: string, files: ModelFiles): void {
  mkdirSync(dir, { recursive: true });
  // Weights first: a model.json is only ever next to complete weights.
  writeFileSync(path.join(dir, WEIGHTS_FILE), files.weights);
  writeFileSync(path.join(dir, MODEL_FILE), JSON.stringify(files.modelJson));
}

export function readModelFiles(dir: string): ModelFiles {
  const modelJson = JSON.parse(readFileSync(path.join(dir, MODEL_FILE), 'utf8')) as Record<string, unknown>;
  const buf = readFileSync(path.join(dir, WEIGHTS_FILE));
  return { modelJson, weights: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** Read a saved network into plain arrays (no tfjs). */
export function loadNetwork(dir: string): Network {
  const { modelJson, weights } = readModelFiles(dir);
  const parsed = modelJsonSchema.parse(modelJson);
  const specs = parsed.weightsManifest[0]!.weights;
  // Copy into an aligned buffer: Float32Array views need a 4-byte aligned offset.
  const all = new Float32Array(new Uint8Array(weights).buffer);
  const byName = new Map<string, Float32Array>();
  let offset = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (offset + n > all.length) throw tactError('BAD_INPUT_FILE', `${dir}: weights.bin is shorter than its manifest`);
    byName.set(s.name, all.slice(offset, offset + n));
    offset += n;
  }
  const layers: DenseLayer[] = [];
  let inputs = parsed.userDefinedMetadata.tact.inputNames.length;
  for (const layer of parsed.modelTopology.config.layers) {
    const { name, units, activation } = layer.config;
    const kernel = byName.get(`${name}/kernel`);
    const bias = byName.get(`${name}/bias`);
    if (!kernel || !bias || kernel.length !== inputs * units || bias.length !== units) {
      throw tactError('BAD_INPUT_FILE', `${dir}: layer ${name} has no weights of the expected shape`);
    }
    layers.push({ inputs, units, kernel, bias, activation: activation as Activation });
    inputs = units;
  }
  if (layers.length < 2) throw tactError('BAD_INPUT_FILE', `${dir}: a network needs an embedding and an output layer`);
  const meta: NetworkMeta = parsed.userDefinedMetadata.tact;
  if (meta.embedScale.length !== layers[layers.length - 2]!.units) throw tactError('BAD_INPUT_FILE', `${dir}: embedScale does not match the embedding`);
  return { meta, layers };
}
