import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TactError } from '../core/errors.js';
import { formatZodError } from '../core/zod-errors.js';
import type { LearnerSnapshot } from '../learners/learner.js';
import { policyConfigSchema, type PolicyConfig } from './policy-config.js';

/**
 * A saved model: a learner snapshot plus the policy config it was trained
 * for, written by `tact train` and read by the server (policy `warmStart`)
 * and by `tact evaluate --policy models/x.model.json`. The config travels
 * with the weights because a snapshot is meaningless under another
 * exploration or learner kind.
 */
export const MODEL_FORMAT = 'tact-model/1';

const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  policy: policyConfigSchema,
  learner: z.object({ kind: z.string(), updates: z.number().int().nonnegative(), state: z.unknown() }),
  /** How it was made: log, rounds, method, clipping; free-form for humans. */
  training: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.string(),
});

export interface ModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly policy: PolicyConfig;
  readonly learner: LearnerSnapshot;
  readonly training: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export async function saveModel(file: string, model: Omit<ModelFile, 'format'>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const body: ModelFile = { format: MODEL_FORMAT, ...model };
  await writeFile(file, JSON.stringify(body));
}

/** Synchronous: policies are built at start-up, before the server binds. */
export function loadModel(file: string): ModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TactError('invalid_argument', `${file}: cannot read model (${(e as Error).message})`, 'warmStart');
  }
  const parsed = modelFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TactError('invalid_argument', `${file}: not a Tact model: ${formatZodError(parsed.error)}`, 'warmStart');
  }
  const m = parsed.data;
  return { ...m, format: MODEL_FORMAT, learner: { kind: m.learner.kind, updates: m.learner.updates, state: m.learner.state } };
}
