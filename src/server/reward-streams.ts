import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import { TactError } from '../core/errors.js';
import type { RewardStatus } from '../feedback/reward-joiner.js';
import type { RewardRequest__Output } from './generated/tact/v1/RewardRequest.js';
import type { RewardStreamResponse } from './generated/tact/v1/RewardStreamResponse.js';
import { toServiceError } from './status.js';

/** Limits on client-streamed rewards; see docs/operations.md. */
export interface RewardStreamLimits {
  /** A stream with no reward for this long is ended early with its summary. @defaultValue 60000 */
  readonly idleMs: number;
  /** Streams open at once; one more is refused with RESOURCE_EXHAUSTED. @defaultValue 256 */
  readonly maxOpen: number;
}

export const DEFAULT_REWARD_STREAM_LIMITS: RewardStreamLimits = { idleMs: 60_000, maxOpen: 256 };

/** Joins in flight per stream before it stops reading (backpressure). */
const MAX_IN_FLIGHT = 256;

/** Why the server ended a stream before the client half-closed it. */
type EarlyEnd = 'idle' | 'shutdown';

/**
 * Every open RewardStream, so none can outlive its use: a stream idle for
 * `idleMs` and every stream at shutdown is ended early. Ending early means:
 * stop reading, finish the joins already received, answer the summary. Its
 * `received` tells the client how many rewards were taken; the rest were
 * never read and can be sent again on a new stream (event ids make a resend
 * safe). A client that already half-closed simply gets its summary.
 */
export class RewardStreams {
  private readonly open = new Set<(why: EarlyEnd) => Promise<void>>();

  constructor(private readonly limits: RewardStreamLimits = DEFAULT_REWARD_STREAM_LIMITS) {}

  get size(): number {
    return this.open.size;
  }

  /** End every open stream with its summary (shutdown); resolves when all have answered. */
  async endAll(): Promise<void> {
    await Promise.all([...this.open].map((end) => end('shutdown')));
  }

  handle(
    reward: (input: RewardRequest__Output) => Promise<RewardStatus>,
    call: ServerReadableStream<RewardRequest__Output, RewardStreamResponse>,
    callback: sendUnaryData<RewardStreamResponse>,
  ): void {
    if (this.open.size >= this.limits.maxOpen) {
      callback(
        toServiceError(
          new TactError('resource_exhausted', `at most ${this.limits.maxOpen} RewardStreams may be open at once (TACT_REWARD_STREAM_MAX); retry later or use Reward`),
        ),
      );
      return;
    }
    const summary = { received: 0, joined: 0, duplicate: 0, expired: 0, ignored: 0, rejected: 0, first_error: '' };
    const pending = new Set<Promise<void>>();
    let answered = false;
    let ending: Promise<void> | undefined;
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => void end('idle'), this.limits.idleMs);
      idle.unref();
    };
    const count = (s: RewardStatus) => {
      summary[s] += 1;
    };
    const reject = (err: unknown) => {
      summary.rejected += 1;
      if (!summary.first_error) summary.first_error = toServiceError(err).details ?? 'error';
    };
    const settle = (answer: () => void) => {
      if (answered) return;
      answered = true;
      clearTimeout(idle);
      this.open.delete(end);
      answer();
    };
    const finish = (): Promise<void> => {
      clearTimeout(idle);
      ending ??= Promise.all(pending).then(() => settle(() => callback(null, summary)));
      return ending;
    };
    const end = (why: EarlyEnd): Promise<void> => {
      if (!ending) {
        call.pause();
        call.removeListener('data', onData);
        if (why === 'idle' && !summary.first_error) summary.first_error = `stream idle for ${this.limits.idleMs} ms; ended by the server`;
        if (why === 'shutdown' && !summary.first_error) summary.first_error = 'server shutting down; ended by the server';
      }
      return finish();
    };
    const onData = (req: RewardRequest__Output) => {
      armIdle();
      summary.received += 1;
      let p: Promise<void>;
      try {
        p = reward(req).then(count, reject);
      } catch (err) {
        reject(err);
        return;
      }
      pending.add(p);
      void p.finally(() => {
        pending.delete(p);
        if (pending.size < MAX_IN_FLIGHT / 2 && !ending) call.resume();
      });
      if (pending.size >= MAX_IN_FLIGHT) call.pause();
    };
    this.open.add(end);
    armIdle();
    call.on('data', onData);
    call.on('end', () => void finish());
    call.on('error', (err) => settle(() => callback(toServiceError(err))));
    call.on('cancelled', () => settle(() => undefined));
  }
}
