import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Clock } from '../core/clock.js';
import type { DecisionEngine } from '../decision/engine.js';
import type { DecideInput, Decision } from '../domain/decision.js';
import { TactError } from '../core/errors.js';
import type { RewardJoiner } from '../feedback/reward-joiner.js';
import type { DecisionServiceHandlers } from './generated/tact/v1/DecisionService.js';
import { toDecideResponse, toRewardResponse } from './map-response.js';
import { RewardStreams } from './reward-streams.js';
import { isInternal, toStatus, type FaultReporter } from './faults.js';
import { toDecideInput, toRewardInput } from './validate.js';
import { callerOf } from './auth/caller.js';

/** What the transport needs from the engine: nothing grpc-specific leaks past here. */
export interface ServiceDeps {
  readonly engine: DecisionEngine;
  readonly joiner: RewardJoiner;
  readonly clock: Clock;
  /** DecideRequest.deliver: hand the decision's sends to delivery (journeys); absent = FAILED_PRECONDITION. */
  readonly deliver?: (decision: Decision, input: DecideInput) => Promise<unknown>;
  /** Customer-state calls (RecordEvent, SetConsent, ForgetCustomer); absent = UNIMPLEMENTED. */
  readonly customerHandlers?: Pick<DecisionServiceHandlers, 'RecordEvent' | 'SetConsent' | 'ForgetCustomer'>;
  /** Open RewardStreams under their limits; absent = a private set with the default limits. */
  readonly rewardStreams?: RewardStreams;
  /** Reports faults inside a RewardStream (the stream itself still ends OK); absent = not reported. */
  readonly faults?: FaultReporter;
  /** How far ahead of server time `at` may be (config maxFutureSkewMs); default 5 minutes. */
  readonly maxFutureSkewMs?: number;
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
  work: (request: Req, deadline: number | undefined, caller: string | undefined) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const deadline = deadlineOf(call);
    if (call.cancelled || (deadline !== undefined && clock.now() > deadline)) {
      callback({ code: status.DEADLINE_EXCEEDED, details: 'deadline passed before the call was started' });
      return;
    }
    work(call.request, deadline, callerOf(call)?.name).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toStatus(err)),
    );
  };
}

function withCaller<T extends object>(input: T, caller: string | undefined): T & { caller?: string } {
  return caller === undefined ? input : { ...input, caller };
}

const unimplemented = (name: string) => (_call: unknown, callback: sendUnaryData<never>) => {
  callback({ code: status.UNIMPLEMENTED, details: `${name} is not enabled on this server` });
};

export function decisionServiceHandlers(deps: ServiceDeps): DecisionServiceHandlers {
  const { engine, joiner, clock } = deps;
  const rewardStreams = deps.rewardStreams ?? new RewardStreams();
  return {
    // The caller (auth on) scopes request_id and event_id matching: one caller's ids never match another's.
    Decide: unary(clock, async (req, deadline, caller) => {
      const input = withCaller(toDecideInput(req, clock.now(), deadline, deps.maxFutureSkewMs), caller);
      if (req.deliver && !deps.deliver) throw new TactError('failed_precondition', 'delivery is not enabled on this server', 'deliver');
      const decision = await engine.decide(input);
      if (req.deliver) await deps.deliver?.(decision, input);
      return toDecideResponse(decision);
    }),
    Reward: unary(clock, async (req, _deadline, caller) => toRewardResponse(await joiner.reward(withCaller(toRewardInput(req), caller)))),
    RewardStream: (call, callback) => {
      const caller = callerOf(call)?.name;
      rewardStreams.handle(
        async (req) => {
          try {
            return await joiner.reward(withCaller(toRewardInput(req), caller));
          } catch (err) {
            // Counted as rejected in the stream's summary; a fault of ours is also reported once.
            if (isInternal(err)) deps.faults?.internal(REWARD_STREAM, err);
            throw err;
          }
        },
        call,
        callback,
      );
    },
    RecordEvent: deps.customerHandlers?.RecordEvent ?? unimplemented('RecordEvent'),
    SetConsent: deps.customerHandlers?.SetConsent ?? unimplemented('SetConsent'),
    ForgetCustomer: deps.customerHandlers?.ForgetCustomer ?? unimplemented('ForgetCustomer'),
  };
}

const REWARD_STREAM = 'tact.v1.DecisionService/RewardStream';
