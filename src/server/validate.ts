import { invalidArgument, quote, tactError } from '../core/errors.js';
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

/**
 * Size limits on everything a client sends, checked before any work (and
 * before any of it is echoed back: error messages quote at most a short
 * prefix, see quote()). Documented in docs/integrity.md.
 */
export const LIMITS = {
  /** Ids: customer, decision, request, event, candidate/action, item, category, message. */
  idLength: 256,
  /** Names: channel, trigger, policy, feature names, consent channel keys. */
  nameLength: 128,
  /** A categorical feature's value. */
  valueLength: 256,
  /** An IANA time zone name (the longest real one has 32 characters). */
  timeZoneLength: 64,
  /** Features in one map (numeric + categorical). */
  features: 1024,
  /** Entries of SetConsent's channels map and of its reachable/unreachable lists. */
  consentChannels: 64,
  topK: 32,
} as const;

/**
 * Strings a lossy decoder made of invalid UTF-8: grpc-js (protobufjs 7)
 * turns every invalid byte sequence into U+FFFD, so two different customers'
 * invalid ids would read as the same string. An id holding U+FFFD is
 * therefore refused (a client that means U+FFFD cannot be told apart), and
 * ids are compared byte for byte as the client sent them.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkUtf8(value: string, field: string): void {
  if (value.includes('\uFFFD') || LONE_SURROGATE.test(value)) {
    throw tactError('INVALID_UTF8', 'is not valid UTF-8 (or holds U+FFFD, which invalid UTF-8 decodes to)', field);
  }
}

function checkLength(value: string, max: number, field: string): void {
  if (value.length > max) throw tactError('TOO_LONG', `longer than ${max} characters (${value.length})`, field);
}

export function requiredId(value: string, field: string): string {
  if (!value) throw invalidArgument(field, 'is required');
  checkLength(value, LIMITS.idLength, field);
  checkUtf8(value, field);
  return value;
}

export function optionalId(value: string, field: string): string | undefined {
  if (!value) return undefined;
  return requiredId(value, field);
}

/** A channel, trigger, policy or other name: bounded and valid UTF-8; empty allowed (means "unset"). */
export function checkedName(value: string, field: string): string {
  checkLength(value, LIMITS.nameLength, field);
  checkUtf8(value, field);
  return value;
}

export function requiredName(value: string, field: string): string {
  if (!value) throw invalidArgument(field, 'is required');
  return checkedName(value, field);
}

export function toFeatures(proto: Features__Output | null, field: string): Features {
  return checkedFeatures(proto, field, -1);
}

/**
 * The field is `field` itself, or `field[index].features` when index >= 0:
 * built only for an error, since this runs for every candidate. Names are
 * checked for length before they appear in a field path.
 */
function checkedFeatures(proto: Features__Output | null, field: string, index: number): Features {
  if (!proto) return { numeric: {}, categorical: {} };
  const { numeric, categorical } = proto;
  let count = 0;
  for (const key in numeric) count++;
  for (const key in categorical) count++;
  if (count > LIMITS.features) throw tactError('TOO_LONG', `more than ${LIMITS.features} features (${count})`, featuresField(field, index));
  for (const key in numeric) {
    if (!key) throw invalidArgument(`${featuresField(field, index)}.numeric`, 'feature names must not be empty');
    if (key.length > LIMITS.nameLength) throw tactError('TOO_LONG', `a feature name is longer than ${LIMITS.nameLength} characters (${quote(key)})`, `${featuresField(field, index)}.numeric`);
    if (!Number.isFinite(numeric[key])) throw invalidArgument(`${featuresField(field, index)}.numeric[${key}]`, 'must be a finite number');
  }
  for (const key in categorical) {
    if (!key) throw invalidArgument(`${featuresField(field, index)}.categorical`, 'feature names must not be empty');
    if (key.length > LIMITS.nameLength) throw tactError('TOO_LONG', `a feature name is longer than ${LIMITS.nameLength} characters (${quote(key)})`, `${featuresField(field, index)}.categorical`);
    const value = categorical[key]!;
    if (value.length > LIMITS.valueLength) throw tactError('TOO_LONG', `longer than ${LIMITS.valueLength} characters (${value.length})`, `${featuresField(field, index)}.categorical[${key}]`);
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
    const id = requiredId(c.id, `candidates[${i}].id`);
    if (seen.has(id)) throw invalidArgument(`candidates[${i}].id`, `duplicate candidate id ${quote(id)}`);
    seen.add(id);
    out[i] = {
      id,
      channel: checkedName(c.channel, `candidates[${i}].channel`),
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
  if (req.top_k > LIMITS.topK) throw invalidArgument('top_k', `at most ${LIMITS.topK}`);
  return {
    customerId: requiredId(req.customer_id, 'customer_id'),
    trigger: requiredName(req.trigger, 'trigger'),
    context: toFeatures(req.context, 'context'),
    ...(candidates ? { candidates } : {}),
    topK: Math.max(1, req.top_k),
    ...(req.policy ? { policy: checkedName(req.policy, 'policy') } : {}),
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
