import { invalidArgument, tactError } from '../core/errors.js';
import type { Candidate, DecideInput } from '../domain/decision.js';
import type { Features } from '../domain/features.js';
import type { RewardInput } from '../feedback/reward-joiner.js';
import type { DecideRequest__Output } from './generated/tact/v1/DecideRequest.js';
import type { Features__Output } from './generated/tact/v1/Features.js';
import type { RewardRequest__Output } from './generated/tact/v1/RewardRequest.js';
import type { Timestamp__Output } from './generated/google/protobuf/Timestamp.js';

/**
 * Proto messages to domain inputs. Everything a client can get wrong is
 * caught here with the field named, so bad input never reaches a model.
 */

const MAX_ID_LENGTH = 256;
const MAX_TOP_K = 32;
const MAX_FEATURES = 1024;

export function requiredId(value: string, field: string): string {
  if (!value) throw invalidArgument(field, 'is required');
  if (value.length > MAX_ID_LENGTH) throw invalidArgument(field, `longer than ${MAX_ID_LENGTH} characters`);
  return value;
}

function optionalId(value: string, field: string): string | undefined {
  if (!value) return undefined;
  if (value.length > MAX_ID_LENGTH) throw invalidArgument(field, `longer than ${MAX_ID_LENGTH} characters`);
  return value;
}

export function toFeatures(proto: Features__Output | null, field: string): Features {
  return checkedFeatures(proto, field, -1);
}

/**
 * The field is `field` itself, or `field[index].features` when index >= 0:
 * built only for an error, since this runs for every candidate.
 */
function checkedFeatures(proto: Features__Output | null, field: string, index: number): Features {
  if (!proto) return { numeric: {}, categorical: {} };
  const { numeric, categorical } = proto;
  let count = 0;
  for (const key in numeric) count++;
  for (const key in categorical) count++;
  if (count > MAX_FEATURES) throw invalidArgument(featuresField(field, index), `more than ${MAX_FEATURES} features`);
  for (const key in numeric) {
    if (!key) throw invalidArgument(`${featuresField(field, index)}.numeric`, 'feature names must not be empty');
    if (!Number.isFinite(numeric[key])) throw invalidArgument(`${featuresField(field, index)}.numeric[${key}]`, 'must be a finite number');
  }
  for (const key in categorical) {
    if (!key) throw invalidArgument(`${featuresField(field, index)}.categorical`, 'feature names must not be empty');
  }
  return { numeric, categorical };
}

function featuresField(field: string, index: number): string {
  return index < 0 ? field : `${field}[${index}].features`;
}

/**
 * How far ahead of the server's clock a request time may lie. Past times are
 * fine (backfills, simulations); a future one would let a client rewrite
 * history (histories are pruned behind the newest time seen), so beyond this
 * skew it is rejected (TIME_IN_FUTURE).
 */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Timestamp to ms; null means `now`. Never more than `maxFutureSkewMs`
 * ahead of `now`.
 */
export function toMillis(ts: Timestamp__Output | null, field: string, now: number, maxFutureSkewMs = DEFAULT_MAX_FUTURE_SKEW_MS): number {
  if (!ts) return now;
  const ms = ts.seconds * 1000 + Math.floor(ts.nanos / 1e6);
  if (!Number.isFinite(ms) || ts.nanos < 0 || ts.nanos >= 1e9) throw invalidArgument(field, 'not a valid timestamp');
  if (ms > now + maxFutureSkewMs) {
    throw tactError('TIME_IN_FUTURE', `more than ${maxFutureSkewMs} ms ahead of the server's clock (maxFutureSkewMs)`, field);
  }
  return ms;
}

function toCandidates(list: DecideRequest__Output['candidates'], at: number): Candidate[] | undefined {
  const n = list.length;
  if (n === 0) return undefined;
  const seen = new Set<string>();
  const out = new Array<Candidate>(n);
  for (let i = 0; i < n; i++) {
    const c = list[i] as DecideRequest__Output['candidates'][number];
    const id = c.id && c.id.length <= MAX_ID_LENGTH ? c.id : requiredId(c.id, `candidates[${i}].id`);
    if (seen.has(id)) throw invalidArgument(`candidates[${i}].id`, `duplicate candidate id "${id}"`);
    seen.add(id);
    out[i] = {
      id,
      channel: c.channel,
      messageId: '',
      sendSlot: '',
      sendAt: at,
      noSend: false,
      cost: 0,
      features: checkedFeatures(c.features, 'candidates', i),
    };
  }
  return out;
}

export function toDecideInput(req: DecideRequest__Output, now: number, deadline?: number, maxFutureSkewMs?: number): DecideInput {
  const at = toMillis(req.at, 'at', now, maxFutureSkewMs);
  const candidates = toCandidates(req.candidates, at);
  if (req.top_k > MAX_TOP_K) throw invalidArgument('top_k', `at most ${MAX_TOP_K}`);
  return {
    customerId: requiredId(req.customer_id, 'customer_id'),
    trigger: requiredId(req.trigger, 'trigger'),
    context: toFeatures(req.context, 'context'),
    ...(candidates ? { candidates } : {}),
    topK: Math.max(1, req.top_k),
    ...(req.policy ? { policy: req.policy } : {}),
    ...(req.request_id ? { requestId: optionalId(req.request_id, 'request_id') as string } : {}),
    at,
    explain: req.explain,
    ...(deadline !== undefined ? { deadline } : {}),
  };
}

export function toRewardInput(req: RewardRequest__Output): RewardInput {
  if (!Number.isFinite(req.value)) throw invalidArgument('value', 'must be a finite number');
  const eventId = optionalId(req.event_id, 'event_id');
  return {
    decisionId: requiredId(req.decision_id, 'decision_id'),
    ...(req.action_id ? { actionId: optionalId(req.action_id, 'action_id') as string } : {}),
    value: req.value,
    ...(eventId ? { eventId } : {}),
  };
}
