import { MinHeap } from '../../core/min-heap.js';
import type { Decision } from '../../decision/types.js';
import type {
  DecisionRecord,
  ExpiredDecision,
  JoinResult,
  LearningUpdate,
  RewardJoinRequest,
  TactStore,
} from '../store.js';

interface HeldDecision {
  readonly record: DecisionRecord;
  readonly decision: Decision;
  readonly requestId?: string;
  /** Combined reward per action id. */
  readonly rewards: Map<string, number>;
  readonly events: Set<string>;
}

/**
 * The embedded default: all state in this process. Single-threaded JS makes
 * every method atomic, which is what the Redis adapter achieves with Lua.
 */
export class MemoryStore implements TactStore {
  readonly kind = 'memory' as const;
  private readonly decisions = new Map<string, HeldDecision>();
  private readonly byRequest = new Map<string, string>();
  private readonly expiry = new MinHeap<string>();
  private readonly handlers: Array<(u: LearningUpdate) => void> = [];

  async saveDecision(record: DecisionRecord, decision: Decision, requestId?: string): Promise<void> {
    const held: HeldDecision = { record, decision, rewards: new Map(), events: new Set() };
    if (requestId !== undefined) {
      this.byRequest.set(requestId, record.decisionId);
      Object.assign(held, { requestId });
    }
    this.decisions.set(record.decisionId, held);
    this.expiry.push(record.expiresAt, record.decisionId);
  }

  async findByRequestId(requestId: string): Promise<Decision | undefined> {
    const id = this.byRequest.get(requestId);
    return id === undefined ? undefined : this.decisions.get(id)?.decision;
  }

  async joinReward(req: RewardJoinRequest): Promise<JoinResult> {
    const held = this.decisions.get(req.decisionId);
    if (!held) return { status: 'unknown' };
    const { record } = held;
    if (req.now >= record.expiresAt) return { status: 'expired' };
    const actionId = req.actionId === '' ? record.choices[0]?.actionId : req.actionId;
    if (actionId === undefined || !record.choices.some((c) => c.actionId === actionId)) {
      return { status: 'unknown_action', record };
    }
    if (req.eventId !== undefined) {
      if (held.events.has(req.eventId)) return { status: 'duplicate' };
      held.events.add(req.eventId);
    }
    const previousTotal = held.rewards.get(actionId);
    if (previousTotal !== undefined && record.combine === 'first') return { status: 'ignored', record };
    const total = (previousTotal ?? 0) + req.value;
    held.rewards.set(actionId, total);
    return previousTotal === undefined
      ? { status: 'joined', record, actionId, total }
      : { status: 'joined', record, actionId, total, previousTotal };
  }

  async takeExpired(now: number, limit: number): Promise<ExpiredDecision[]> {
    const out: ExpiredDecision[] = [];
    while (out.length < limit) {
      const key = this.expiry.peekKey();
      if (key === undefined || key > now) break;
      const id = this.expiry.pop() as string;
      const held = this.decisions.get(id);
      if (!held) continue;
      this.remove(held);
      const unrewardedActions = held.record.choices
        .map((c) => c.actionId)
        .filter((a) => !held.rewards.has(a));
      out.push({ record: held.record, unrewardedActions });
    }
    return out;
  }

  async countDecisions(): Promise<number> {
    return this.decisions.size;
  }

  async publish(update: LearningUpdate): Promise<void> {
    for (const h of this.handlers) h(update);
  }

  subscribe(handler: (update: LearningUpdate) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {}

  private remove(held: HeldDecision): void {
    this.decisions.delete(held.record.decisionId);
    if (held.requestId !== undefined) this.byRequest.delete(held.requestId);
  }
}
