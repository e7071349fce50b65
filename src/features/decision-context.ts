import type { CustomerState } from '../domain/customer.js';
import { mergeFeatures, type Features } from '../domain/features.js';
import { profileFeatures } from './profile-features.js';

/**
 * Pipeline step 4, the context half: what the learner knows of this moment.
 * The customer's live profile (src/features/profile-features.ts), then the
 * request's context (the caller may know better, so it wins on a name
 * clash), then the trigger: the same customer may want different things at
 * different triggers. Action features come with each candidate; learners
 * cross the two (src/features/interactions.ts).
 */
export function decisionContext(state: CustomerState, at: number, requestContext: Features, trigger: string): Features {
  return mergeFeatures(profileFeatures(state, at), requestContext, { numeric: {}, categorical: { trigger } });
}
