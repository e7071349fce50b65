import { status, type sendUnaryData, type ServerUnaryCall, type ServerReadableStream } from '@grpc/grpc-js';
import type { Clock } from '../core/clock.js';
import type { DecisionEngine } from '../decision/engine.js';
import type { RewardJoiner, RewardStatus } from '../feedback/reward-joiner.js';
import type { DecisionServiceHandlers } from './generated/tact/v1/DecisionService.js';
import type { RewardRequest__Output } from './generated/tact/v1/RewardRequest.js';
import type { RewardStreamResponse } from './generated/tact/v1/RewardStreamResponse.js';
import { toDecideResponse, toRewardResponse } from './map-response.js';
import { toServiceError } from './status.js';
import { toDecideInput, toRewardInput } from './validate.js';

/** What the transport needs from the engine: nothing grpc-specific leaks past here. */
export interface ServiceDeps {
  readonly engine: DecisionEngine;
  readonly joiner: RewardJoiner;
  readonly clock: Clock;
  /** Customer-state calls (RecordEvent, SetConsent, ForgetCustomer); absent = UNIMPLEMENTED. */
  readonly customerHandlers?: Pick<DecisionServiceHandlers, 'RecordEvent' | 'SetConsent' | 'ForgetCustomer'>;
}

/** Absolute deadline in ms, or undefined when the call has none. */
function deadlineOf(call: { getDeadline(): Date | number }): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Wrap a unary handler: map domain errors to statuses once, and skip work
 * for calls that were cancelled or whose deadline has passed.
 */
export function unary<Req, Res>(
  clock: Clock,
  work: (request: Req, deadline: number | undefined) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const deadline = deadlineOf(call);
    if (call.cancelled || (deadline !== undefined && clock.now() > deadline)) {
      callback({ code: status.DEADLINE_EXCEEDED, details: 'deadline passed before the call was started' });
      return;
    }
    work(call.request, deadline).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(err)),
    );
  };
}

const unimplemented = (name: string) => (_call: unknown, callback: sendUnaryData<never>) => {
  callback({ code: status.UNIMPLEMENTED, details: `${name} is not enabled on this server` });
};

export function decisionServiceHandlers(deps: ServiceDeps): DecisionServiceHandlers {
  const { engine, joiner, clock } = deps;
  return {
    Decide: unary(clock, async (req, deadline) =>
      toDecideResponse(await engine.decide(toDecideInput(req, clock.now(), deadline))),
    ),
    Reward: unary(clock, async (req) => toRewardResponse(await joiner.reward(toRewardInput(req)))),
    RewardStream: (call, callback) => rewardStream(joiner, call, callback),
    RecordEvent: deps.customerHandlers?.RecordEvent ?? unimplemented('RecordEvent'),
    SetConsent: deps.customerHandlers?.SetConsent ?? unimplemented('SetConsent'),
    ForgetCustomer: deps.customerHandlers?.ForgetCustomer ?? unimplemented('ForgetCustomer'),
  };
}

/**
 * Client-streaming rewards for high-volume feedback. Joins run concurrently
 * but bounded, and a bad reward is counted, not fatal to the stream.
 */
function rewardStream(
  joiner: RewardJoiner,
  call: ServerReadableStream<RewardRequest__Output, RewardStreamResponse>,
  callback: sendUnaryData<RewardStreamResponse>,
): void {
  const summary = { received: 0, joined: 0, duplicate: 0, expired: 0, ignored: 0, rejected: 0, first_error: '' };
  const pending = new Set<Promise<void>>();
  const MAX_IN_FLIGHT = 256;
  const count = (s: RewardStatus) => {
    summary[s] += 1;
  };
  const reject = (err: unknown) => {
    summary.rejected += 1;
    if (!summary.first_error) summary.first_error = toServiceError(err).details ?? 'error';
  };
  call.on('data', (req: RewardRequest__Output) => {
    summary.received += 1;
    let p: Promise<void>;
    try {
      p = joiner.reward(toRewardInput(req)).then(count, reject);
    } catch (err) {
      reject(err);
      return;
    }
    pending.add(p);
    void p.finally(() => {
      pending.delete(p);
      if (pending.size < MAX_IN_FLIGHT / 2) call.resume();
    });
    if (pending.size >= MAX_IN_FLIGHT) call.pause();
  });
  call.on('end', () => {
    void Promise.all(pending).then(() => callback(null, summary));
  });
  call.on('error', (err) => callback(toServiceError(err)));
}
