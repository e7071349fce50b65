import { tactError } from '../core/errors.js';
import type { Features } from '../domain/features.js';
import type { Policy } from '../policies/policy-set.js';
import type { Candidate, DecideInput } from '../domain/decision.js';

/**
 * A request's work, counted before any is done: every candidate costs 1 plus
 * its features, and the context its features (see PolicyConfig.maxRequestCost).
 */
export function requestCost(context: Features, candidates: readonly Candidate[] | undefined): number {
  let cost = countFeatures(context);
  if (candidates) for (const c of candidates) cost += 1 + countFeatures(c.features);
  return cost;
}

function countFeatures(f: Features): number {
  let n = 0;
  for (const _ in f.numeric) n++;
  for (const _ in f.categorical) n++;
  return n;
}

/**
 * The checks a Decide passes before any work: its cost within the policy's
 * budget, and every numeric feature within the policy's bounds (the field is
 * named). Candidates from the catalog are the operator's and not checked here.
 */
export function checkDecideInput(input: DecideInput, policy: Policy): void {
  const budget = policy.config.maxRequestCost;
  const cost = requestCost(input.context, input.candidates);
  if (cost > budget) {
    throw tactError(
      'REQUEST_TOO_COSTLY',
      `candidates x features is ${cost}, over the policy's budget of ${budget} (maxRequestCost)`,
      'candidates',
    );
  }
  const max = policy.config.bounds.maxAbsFeature;
  checkNumericBounds(input.context, max, 'context');
  const candidates = input.candidates;
  if (candidates) for (let i = 0; i < candidates.length; i++) checkNumericBounds(candidates[i]!.features, max, `candidates[${i}].features`);
}

/** Every numeric feature within +-max, else VALUE_OUT_OF_BOUNDS naming `field.numeric[name]`. */
export function checkNumericBounds(f: Features, max: number, field: string): void {
  for (const name in f.numeric) {
    const v = f.numeric[name]!;
    if (v > max || v < -max) {
      throw tactError('VALUE_OUT_OF_BOUNDS', `|value| must be at most ${max} (bounds.maxAbsFeature)`, `${field}.numeric[${name}]`);
    }
  }
}
