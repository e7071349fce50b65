import type { z } from 'zod';
import { tactError } from '../core/errors.js';
import { formatZodError } from '../core/zod-errors.js';

/**
 * A learner's settings, checked against its one schema wherever a learner is
 * made (registry, a composite learner building its parts, a restore), so no
 * learner ever runs on a setting its schema refuses.
 */
export function parseLearnerConfig<S extends z.ZodType>(kind: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw tactError('BAD_CONFIGURATION', `${kind} learner: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
