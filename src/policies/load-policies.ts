import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { TactError } from '../core/errors.js';
import { policiesFileSchema, type PoliciesFile } from './policy-config.js';
import { formatZodError } from '../core/zod-errors.js';

/** Parse a policies YAML file; errors name the path, e.g. `policies[0].exploration.alpha`. */
export function parsePolicies(text: string, source: string): PoliciesFile {
  const result = policiesFileSchema.safeParse(parse(text));
  if (!result.success) {
    throw new TactError('invalid_argument', `${source}: ${formatZodError(result.error)}`, 'policies');
  }
  const file = result.data;
  const names = file.policies.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new TactError('invalid_argument', `${source}: duplicate policy name "${dup}"`, 'policies');
  if (file.default && !names.includes(file.default)) {
    throw new TactError('invalid_argument', `${source}: default "${file.default}" is not a policy`, 'policies');
  }
  return file;
}

export function loadPolicies(path: string): PoliciesFile {
  return parsePolicies(readFileSync(path, 'utf8'), path);
}
