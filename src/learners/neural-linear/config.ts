import { z } from 'zod';
import { DEFAULT_MAX_FEATURES, DEFAULT_OVERFLOW_SLOTS } from '../../features/vocabulary.js';

export const NEURAL_LINEAR_KIND = 'neural-linear';

/**
 * lambda and noise mean what they mean for bayes-linear (the head sees an
 * embedding scaled to [-1, 1], like the raw scaled features), so the same
 * defaults and exploration settings carry over.
 */
export const neuralLinearSchema = z.object({
  kind: z.literal(NEURAL_LINEAR_KIND),
  lambda: z.number().positive().default(1),
  noise: z.number().nonnegative().default(0.25),
  maxFeatures: z.number().int().nonnegative().max(4096).default(DEFAULT_MAX_FEATURES),
  overflowSlots: z.number().int().positive().max(4096).default(DEFAULT_OVERFLOW_SLOTS),
  hidden: z.number().int().positive().max(1024).default(64),
  embedding: z.number().int().positive().max(256).default(32),
  replay: z.number().int().positive().max(1_000_000).default(4000),
  minExamples: z.number().int().positive().default(200),
  retrainEvery: z.number().int().positive().default(1000),
  epochs: z.number().int().positive().max(1000).default(20),
  batchSize: z.number().int().positive().max(4096).default(32),
  learningRate: z.number().positive().default(0.003),
  seed: z.number().int().nonnegative().default(1),
  backend: z.enum(['auto', 'wasm', 'cpu']).default('auto'),
  save: z.boolean().default(true),
  modelsDir: z.string().optional(),
});

export type NeuralLinearConfig = z.output<typeof neuralLinearSchema>;
