// Original file: proto/tact/v1/tact.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DecideRequest as _tact_v1_DecideRequest, DecideRequest__Output as _tact_v1_DecideRequest__Output } from '../../tact/v1/DecideRequest.js';
import type { DecideResponse as _tact_v1_DecideResponse, DecideResponse__Output as _tact_v1_DecideResponse__Output } from '../../tact/v1/DecideResponse.js';
import type { ForgetCustomerRequest as _tact_v1_ForgetCustomerRequest, ForgetCustomerRequest__Output as _tact_v1_ForgetCustomerRequest__Output } from '../../tact/v1/ForgetCustomerRequest.js';
import type { ForgetCustomerResponse as _tact_v1_ForgetCustomerResponse, ForgetCustomerResponse__Output as _tact_v1_ForgetCustomerResponse__Output } from '../../tact/v1/ForgetCustomerResponse.js';
import type { RecordEventRequest as _tact_v1_RecordEventRequest, RecordEventRequest__Output as _tact_v1_RecordEventRequest__Output } from '../../tact/v1/RecordEventRequest.js';
import type { RecordEventResponse as _tact_v1_RecordEventResponse, RecordEventResponse__Output as _tact_v1_RecordEventResponse__Output } from '../../tact/v1/RecordEventResponse.js';
import type { RewardRequest as _tact_v1_RewardRequest, RewardRequest__Output as _tact_v1_RewardRequest__Output } from '../../tact/v1/RewardRequest.js';
import type { RewardResponse as _tact_v1_RewardResponse, RewardResponse__Output as _tact_v1_RewardResponse__Output } from '../../tact/v1/RewardResponse.js';
import type { RewardStreamResponse as _tact_v1_RewardStreamResponse, RewardStreamResponse__Output as _tact_v1_RewardStreamResponse__Output } from '../../tact/v1/RewardStreamResponse.js';
import type { SetConsentRequest as _tact_v1_SetConsentRequest, SetConsentRequest__Output as _tact_v1_SetConsentRequest__Output } from '../../tact/v1/SetConsentRequest.js';
import type { SetConsentResponse as _tact_v1_SetConsentResponse, SetConsentResponse__Output as _tact_v1_SetConsentResponse__Output } from '../../tact/v1/SetConsentResponse.js';

export interface DecisionServiceClient extends grpc.Client {
  /**
   * Choose the best action(s) for a customer at a trigger, or no-send.
   * Errors: INVALID_ARGUMENT (bad field, named), NOT_FOUND (unknown policy or
   * trigger), DEADLINE_EXCEEDED (the call's deadline passed before scoring).
   */
  Decide(argument: _tact_v1_DecideRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  Decide(argument: _tact_v1_DecideRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  Decide(argument: _tact_v1_DecideRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  Decide(argument: _tact_v1_DecideRequest, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Choose the best action(s) for a customer at a trigger, or no-send.
   * Errors: INVALID_ARGUMENT (bad field, named), NOT_FOUND (unknown policy or
   * trigger), DEADLINE_EXCEEDED (the call's deadline passed before scoring).
   */
  decide(argument: _tact_v1_DecideRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  decide(argument: _tact_v1_DecideRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  decide(argument: _tact_v1_DecideRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  decide(argument: _tact_v1_DecideRequest, callback: grpc.requestCallback<_tact_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Right to be forgotten: erase everything keyed by the customer (profile,
   * consent, counters, held decisions, decision-log lines) and remove the
   * customer's contribution from every learner that allows it exactly
   * (Bayesian linear models without forgetting). Idempotent.
   * Errors: INVALID_ARGUMENT (missing customer_id).
   */
  ForgetCustomer(argument: _tact_v1_ForgetCustomerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  ForgetCustomer(argument: _tact_v1_ForgetCustomerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  ForgetCustomer(argument: _tact_v1_ForgetCustomerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  ForgetCustomer(argument: _tact_v1_ForgetCustomerRequest, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Right to be forgotten: erase everything keyed by the customer (profile,
   * consent, counters, held decisions, decision-log lines) and remove the
   * customer's contribution from every learner that allows it exactly
   * (Bayesian linear models without forgetting). Idempotent.
   * Errors: INVALID_ARGUMENT (missing customer_id).
   */
  forgetCustomer(argument: _tact_v1_ForgetCustomerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  forgetCustomer(argument: _tact_v1_ForgetCustomerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  forgetCustomer(argument: _tact_v1_ForgetCustomerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  forgetCustomer(argument: _tact_v1_ForgetCustomerRequest, callback: grpc.requestCallback<_tact_v1_ForgetCustomerResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Customer activity that is not a reward: cart changes, purchases, message
   * engagement, unsubscribes, service tickets. Feeds the profile and the rules.
   * Errors: INVALID_ARGUMENT (missing customer_id or type, or a field the
   * type needs, named).
   */
  RecordEvent(argument: _tact_v1_RecordEventRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  RecordEvent(argument: _tact_v1_RecordEventRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  RecordEvent(argument: _tact_v1_RecordEventRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  RecordEvent(argument: _tact_v1_RecordEventRequest, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Customer activity that is not a reward: cart changes, purchases, message
   * engagement, unsubscribes, service tickets. Feeds the profile and the rules.
   * Errors: INVALID_ARGUMENT (missing customer_id or type, or a field the
   * type needs, named).
   */
  recordEvent(argument: _tact_v1_RecordEventRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  recordEvent(argument: _tact_v1_RecordEventRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  recordEvent(argument: _tact_v1_RecordEventRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  recordEvent(argument: _tact_v1_RecordEventRequest, callback: grpc.requestCallback<_tact_v1_RecordEventResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Report an outcome (open, click, conversion value) of an earlier decision.
   * Errors: INVALID_ARGUMENT (malformed decision_id, non-finite value),
   * NOT_FOUND (decision_id never issued, or forgotten).
   */
  Reward(argument: _tact_v1_RewardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  Reward(argument: _tact_v1_RewardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  Reward(argument: _tact_v1_RewardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  Reward(argument: _tact_v1_RewardRequest, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Report an outcome (open, click, conversion value) of an earlier decision.
   * Errors: INVALID_ARGUMENT (malformed decision_id, non-finite value),
   * NOT_FOUND (decision_id never issued, or forgotten).
   */
  reward(argument: _tact_v1_RewardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  reward(argument: _tact_v1_RewardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  reward(argument: _tact_v1_RewardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  reward(argument: _tact_v1_RewardRequest, callback: grpc.requestCallback<_tact_v1_RewardResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * High-volume feedback: a client stream of rewards, one summary at the end.
   * Each reward is validated and joined exactly like a unary Reward; a bad
   * reward is counted in the summary, it does not abort the stream.
   */
  RewardStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  RewardStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  RewardStream(options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  RewardStream(callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  /**
   * High-volume feedback: a client stream of rewards, one summary at the end.
   * Each reward is validated and joined exactly like a unary Reward; a bad
   * reward is counted in the summary, it does not abort the stream.
   */
  rewardStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  rewardStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  rewardStream(options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  rewardStream(callback: grpc.requestCallback<_tact_v1_RewardStreamResponse__Output>): grpc.ClientWritableStream<_tact_v1_RewardRequest>;
  
  /**
   * Per-channel consent, global opt-out, preferred channel and time zone.
   * A patch: fields left unset keep their earlier value.
   * Errors: INVALID_ARGUMENT (missing customer_id, unknown time zone).
   */
  SetConsent(argument: _tact_v1_SetConsentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  SetConsent(argument: _tact_v1_SetConsentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  SetConsent(argument: _tact_v1_SetConsentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  SetConsent(argument: _tact_v1_SetConsentRequest, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Per-channel consent, global opt-out, preferred channel and time zone.
   * A patch: fields left unset keep their earlier value.
   * Errors: INVALID_ARGUMENT (missing customer_id, unknown time zone).
   */
  setConsent(argument: _tact_v1_SetConsentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  setConsent(argument: _tact_v1_SetConsentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  setConsent(argument: _tact_v1_SetConsentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  setConsent(argument: _tact_v1_SetConsentRequest, callback: grpc.requestCallback<_tact_v1_SetConsentResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DecisionServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Choose the best action(s) for a customer at a trigger, or no-send.
   * Errors: INVALID_ARGUMENT (bad field, named), NOT_FOUND (unknown policy or
   * trigger), DEADLINE_EXCEEDED (the call's deadline passed before scoring).
   */
  Decide: grpc.handleUnaryCall<_tact_v1_DecideRequest__Output, _tact_v1_DecideResponse>;
  
  /**
   * Right to be forgotten: erase everything keyed by the customer (profile,
   * consent, counters, held decisions, decision-log lines) and remove the
   * customer's contribution from every learner that allows it exactly
   * (Bayesian linear models without forgetting). Idempotent.
   * Errors: INVALID_ARGUMENT (missing customer_id).
   */
  ForgetCustomer: grpc.handleUnaryCall<_tact_v1_ForgetCustomerRequest__Output, _tact_v1_ForgetCustomerResponse>;
  
  /**
   * Customer activity that is not a reward: cart changes, purchases, message
   * engagement, unsubscribes, service tickets. Feeds the profile and the rules.
   * Errors: INVALID_ARGUMENT (missing customer_id or type, or a field the
   * type needs, named).
   */
  RecordEvent: grpc.handleUnaryCall<_tact_v1_RecordEventRequest__Output, _tact_v1_RecordEventResponse>;
  
  /**
   * Report an outcome (open, click, conversion value) of an earlier decision.
   * Errors: INVALID_ARGUMENT (malformed decision_id, non-finite value),
   * NOT_FOUND (decision_id never issued, or forgotten).
   */
  Reward: grpc.handleUnaryCall<_tact_v1_RewardRequest__Output, _tact_v1_RewardResponse>;
  
  /**
   * High-volume feedback: a client stream of rewards, one summary at the end.
   * Each reward is validated and joined exactly like a unary Reward; a bad
   * reward is counted in the summary, it does not abort the stream.
   */
  RewardStream: grpc.handleClientStreamingCall<_tact_v1_RewardRequest__Output, _tact_v1_RewardStreamResponse>;
  
  /**
   * Per-channel consent, global opt-out, preferred channel and time zone.
   * A patch: fields left unset keep their earlier value.
   * Errors: INVALID_ARGUMENT (missing customer_id, unknown time zone).
   */
  SetConsent: grpc.handleUnaryCall<_tact_v1_SetConsentRequest__Output, _tact_v1_SetConsentResponse>;
  
}

export interface DecisionServiceDefinition extends grpc.ServiceDefinition {
  Decide: MethodDefinition<_tact_v1_DecideRequest, _tact_v1_DecideResponse, _tact_v1_DecideRequest__Output, _tact_v1_DecideResponse__Output>
  ForgetCustomer: MethodDefinition<_tact_v1_ForgetCustomerRequest, _tact_v1_ForgetCustomerResponse, _tact_v1_ForgetCustomerRequest__Output, _tact_v1_ForgetCustomerResponse__Output>
  RecordEvent: MethodDefinition<_tact_v1_RecordEventRequest, _tact_v1_RecordEventResponse, _tact_v1_RecordEventRequest__Output, _tact_v1_RecordEventResponse__Output>
  Reward: MethodDefinition<_tact_v1_RewardRequest, _tact_v1_RewardResponse, _tact_v1_RewardRequest__Output, _tact_v1_RewardResponse__Output>
  RewardStream: MethodDefinition<_tact_v1_RewardRequest, _tact_v1_RewardStreamResponse, _tact_v1_RewardRequest__Output, _tact_v1_RewardStreamResponse__Output>
  SetConsent: MethodDefinition<_tact_v1_SetConsentRequest, _tact_v1_SetConsentResponse, _tact_v1_SetConsentRequest__Output, _tact_v1_SetConsentResponse__Output>
}
