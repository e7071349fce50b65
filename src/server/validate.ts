import { invalidArgument } from '../core/errors.js';
import type { Candidate, DecideInput } from '../decision/types.js';
import type { Features } from '../features/features.js';
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
  if (!proto) return { numeric: {}, categorical: {} };
  const numericNames = Object.keys(proto.numeric);
  if (numericNames.length + Object.keys(proto.categorical).length > MAX_FEATURES) {
    throw invalidArgument(field, `more than ${MAX_FEATURES} features`);
  }
  for (const name of numericNames) {
    if (!name) throw invalidArgument(`${field}.numeric`, 'feature names must not be empty');
    if (!Number.isFinite(proto.numeric[name])) {
      throw invalidArgument(`${field}.numeric[${name}]`, 'must be a finite number');
    }
  }
  for (const name of Object.keys(proto.categorical)) {
    if (!name) throw invalidArgument(`${field}.categorical`, 'feature names must not be empty');
  }
  return { numeric: proto.numeric, categorical: proto.categorical };
}

/** Timestamp to ms; null means `fallback` (now). */
export function toMillis(ts: Timestamp__Output | null, field: string, fallback: number): number {
  if (!ts) return fallback;
  const ms = ts.seconds * 1000 + Math.floor(ts.nanos / 1e6);
  if (!Number.isFinite(ms) || ts.nanos < 0 || ts.nanos >= 1e9) throw invalidArgument(field, 'not a valid timestamp');
  return ms;
}

function toCandidates(list: DecideRequest__Output['candidates'], at: number): Candidate[] | undefined {
  if (list.length === 0) return undefined;
  const seen = new Set<string>();
  return list.map((c, i) => {
    const field = `candidates[${i}]`;
    const id = requiredId(c.id, `${field}.id`);
    if (seen.has(id)) throw invalidArgument(`${field}.id`, `duplicate candidate id "${id}"`);
    seen.add(id);
    return {
      id,
      channel: c.channel,
      messageId: '',
      sendSlot: '',
      sendAt: at,
      noSend: false,
      cost: 0,
      features: toFeatures(c.features, `${field}.features`),
    };
  });
}

export function toDecideInput(req: DecideRequest__Output, now: number, deadline?: number): DecideInput {
  const at = toMillis(req.at, 'at', now);
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
