import { tactError } from '../core/errors.js';
import type { Features } from '../domain/features.js';
import type { LearningUpdate } from './store.js';

/**
 * How long the learning ledger (what ForgetCustomer unlearns) keeps a
 * customer's updates. Both stores apply the same rule, so forget removes the
 * same updates whichever store a deployment runs on.
 *
 * What ForgetCustomer then removes, exactly: every learning update of the
 * customer published within `retentionMs` before the forget, at most the
 * latest `maxPerCustomer` of them. Those are unlearned exactly (the learners'
 * unlearning is the algebraic inverse of learning, order-free without
 * forgetting), so the model afterwards equals one that never saw them. Updates
 * published earlier are not in the ledger any more and stay folded into the
 * model's aggregate statistics (A and b of a linear posterior), where no single
 * customer's part can be told apart any more; a correction whose original
 * aged out is undone back to the original's target, which stays. This is the
 * stated limit of retention: raise `retentionMs` to cover a model's lifetime
 * when a forget must reach every update ever made, or give policies
 * forgetting < 1 so aged-out contributions decay (by forgetting^n after n
 * later updates of the same model).
 */
export interface LedgerPolicy {
  readonly retentionMs: number;
  readonly maxPerCustomer: number;
}

/** Long enough for every attribution window and correction a catalog sets (as the customer history's 90 days). */
export const DEFAULT_LEDGER_RETENTION_MS = 90 * 86_400_000;
/** A customer rewarded more than this within retention is a load test or a bot; 256 matches the send history's bound. */
export const DEFAULT_LEDGER_MAX_PER_CUSTOMER = 256;

export const DEFAULT_LEDGER_POLICY: LedgerPolicy = {
  retentionMs: DEFAULT_LEDGER_RETENTION_MS,
  maxPerCustomer: DEFAULT_LEDGER_MAX_PER_CUSTOMER,
};

export function ledgerPolicy(partial: Partial<LedgerPolicy> = {}): LedgerPolicy {
  const policy = { ...DEFAULT_LEDGER_POLICY, ...partial };
  if (!Number.isInteger(policy.retentionMs) || policy.retentionMs < 1) {
    throw tactError('BAD_CONFIGURATION', `ledger retention must be a positive whole number of ms, got ${policy.retentionMs}`, 'ledgerRetentionMs');
  }
  if (!Number.isInteger(policy.maxPerCustomer) || policy.maxPerCustomer < 1) {
    throw tactError('BAD_CONFIGURATION', `ledger entries per customer must be a positive whole number, got ${policy.maxPerCustomer}`, 'ledgerMaxPerCustomer');
  }
  return policy;
}

/**
 * One ledger entry as a string: "<at>|<publishId>|<json array>". The customer
 * id is left out (the entry is stored under it) and the update is a positional
 * array, so an entry is about half the size of the update's JSON. The time
 * leads so Redis can trim aged entries from a list's head in Lua.
 */
export function encodeLedgerEntry(update: LearningUpdate, at: number, publishId = ''): string {
  const compact = [
    update.policy,
    update.decisionId,
    update.actionId,
    update.reward,
    update.previousReward ?? null,
    update.context.numeric,
    update.context.categorical,
    update.actionFeatures.numeric,
    update.actionFeatures.categorical,
  ];
  return `${Math.floor(at)}|${publishId}|${JSON.stringify(compact)}`;
}

export interface LedgerEntry {
  /** When the store recorded it; NaN for an entry written before entries carried a time. */
  readonly at: number;
  readonly publishId: string;
  readonly update: LearningUpdate;
}

type Compact = [string, string, string, number, number | null, Features['numeric'], Features['categorical'], Features['numeric'], Features['categorical']];

export function decodeLedgerEntry(customerId: string, entry: string): LedgerEntry {
  const first = entry.indexOf('|');
  const rest = entry.slice(first + 1);
  // Before retention, a Redis entry was "<publishId>|<update JSON>" with no time.
  if (rest.startsWith('{')) return { at: NaN, publishId: entry.slice(0, first), update: JSON.parse(rest) as LearningUpdate };
  const second = rest.indexOf('|');
  const [policy, decisionId, actionId, reward, previousReward, cn, cc, an, ac] = JSON.parse(rest.slice(second + 1)) as Compact;
  const update: LearningUpdate = {
    policy,
    customerId,
    decisionId,
    context: { numeric: cn, categorical: cc },
    actionId,
    actionFeatures: { numeric: an, categorical: ac },
    reward,
    ...(previousReward === null ? {} : { previousReward }),
  };
  return { at: Number(entry.slice(0, first)), publishId: rest.slice(0, second), update };
}

/**
 * The updates forget unlearns, oldest first: entries still within retention
 * at `now` (an entry without a time is kept: it is bounded by the key's TTL),
 * once per publish id (a retried publish is kept once).
 */
export function updatesToUnlearn(customerId: string, entries: readonly string[], policy: LedgerPolicy, now: number): LearningUpdate[] {
  const cutoff = now - policy.retentionMs;
  const seen = new Set<string>();
  const out: LearningUpdate[] = [];
  for (const text of entries.slice(-policy.maxPerCustomer)) {
    const entry = decodeLedgerEntry(customerId, text);
    if (entry.at < cutoff) continue;
    if (entry.publishId !== '') {
      if (seen.has(entry.publishId)) continue;
      seen.add(entry.publishId);
    }
    out.push(entry.update);
  }
  return out;
}

/** Leading time of an encoded entry (NaN for an old entry without one). */
export function ledgerEntryTime(entry: string): number {
  const bar = entry.indexOf('|');
  return /^\d+$/.test(entry.slice(0, bar)) ? Number(entry.slice(0, bar)) : NaN;
}
