import type { Clock } from '../core/clock.js';
import { decisionIdExpiry } from '../decision/decision-id.js';
import type { DecisionLogSink, ReceiptEvent } from '../decision/log-entry.js';
import type { PolicySet } from '../policies/policy-set.js';
import type { DecisionRecord, DecisionStore } from '../store/store.js';

/** A message event that came back with the decision it answers. */
export interface ReceiptInput {
  readonly decisionId: string;
  /** Empty or undefined: the decision's first choice. */
  readonly actionId?: string;
  readonly event: ReceiptEvent;
  /** Event time (ms since epoch). */
  readonly at: number;
}

/**
 * joined: written to the decision log as an outcome of its action.
 * expired: the decision is gone (window closed and swept), too late to join.
 * unknown: never issued, forgotten, or not a Tact decision id.
 * unknown_action: the decision has no such choice.
 */
export type ReceiptStatus = 'joined' | 'expired' | 'unknown' | 'unknown_action';

export interface ReceiptResult {
  readonly status: ReceiptStatus;
  /** The joined decision (joined only): its message id fills an event that named none. */
  readonly record?: DecisionRecord;
  readonly actionId?: string;
}

export interface ReceiptObserver {
  onReceipt(event: ReceiptEvent, status: ReceiptStatus): void;
}

export interface ReceiptDeps {
  readonly store: Pick<DecisionStore, 'findDecision' | 'markEngaged'>;
  /** Whether some policy learns from engagement (the same set the window close asks). */
  readonly policies: Pick<PolicySet, 'learnsFunnel'>;
  readonly log: DecisionLogSink;
  readonly clock: Clock;
  readonly observer?: ReceiptObserver;
}

/** Receipts that say the customer engaged with the message. */
const ENGAGEMENT: ReadonlySet<ReceiptEvent> = new Set<ReceiptEvent>(['opened', 'clicked']);

/**
 * Joins delivery receipts (delivered, opened, clicked, ignored, bounced) to
 * the decision whose message they are about. A receipt is evidence about the
 * funnel, not a reward: it goes to the decision log next to the decision's
 * outcome lines, where journey reports read it, and an open or click marks
 * the decision engaged, which funnel learning learns from when the window
 * closes. Late or
 * unknown receipts are counted, never rejected: they arrive from providers
 * hours later, and a customer's event must not fail because of them.
 */
export class ReceiptJoiner {
  constructor(private readonly deps: ReceiptDeps) {}

  async join(input: ReceiptInput): Promise<ReceiptResult> {
    const result = await this.resolve(input);
    this.deps.observer?.onReceipt(input.event, result.status);
    if (result.status === 'joined' && result.actionId !== undefined) {
      this.deps.log.append({
        type: 'receipt',
        decisionId: input.decisionId,
        actionId: result.actionId,
        event: input.event,
        at: input.at,
      });
      // Engagement is what funnel learning learns besides the money; marked
      // once per action, so a resent receipt counts once. Without a funnel
      // policy nothing reads the mark, so the receipt costs no store call.
      if (ENGAGEMENT.has(input.event) && this.deps.policies.learnsFunnel) await this.deps.store.markEngaged(input.decisionId, result.actionId);
    }
    return result;
  }

  private async resolve(input: ReceiptInput): Promise<ReceiptResult> {
    const expiry = decisionIdExpiry(input.decisionId);
    if (expiry === undefined) return { status: 'unknown' };
    const record = await this.deps.store.findDecision(input.decisionId);
    if (!record) return { status: this.deps.clock.now() >= expiry ? 'expired' : 'unknown' };
    const actionId = input.actionId ? input.actionId : record.choices[0]?.actionId;
    if (actionId === undefined || !record.choices.some((c) => c.actionId === actionId)) {
      return { status: 'unknown_action', record };
    }
    return { status: 'joined', record, actionId };
  }
}
