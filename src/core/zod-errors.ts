import type { z } from 'zod';

/** One line per issue, each with its path: "policies[0].learner.lambda: Too small". */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join('');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
