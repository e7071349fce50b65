// Original file: proto/tact/v1/tact.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListPoliciesRequest as _tact_v1_ListPoliciesRequest, ListPoliciesRequest__Output as _tact_v1_ListPoliciesRequest__Output } from '../../tact/v1/ListPoliciesRequest.js';
import type { ListPoliciesResponse as _tact_v1_ListPoliciesResponse, ListPoliciesResponse__Output as _tact_v1_ListPoliciesResponse__Output } from '../../tact/v1/ListPoliciesResponse.js';
import type { PromoteRequest as _tact_v1_PromoteRequest, PromoteRequest__Output as _tact_v1_PromoteRequest__Output } from '../../tact/v1/PromoteRequest.js';
import type { PromoteResponse as _tact_v1_PromoteResponse, PromoteResponse__Output as _tact_v1_PromoteResponse__Output } from '../../tact/v1/PromoteResponse.js';
import type { RollbackRequest as _tact_v1_RollbackRequest, RollbackRequest__Output as _tact_v1_RollbackRequest__Output } from '../../tact/v1/RollbackRequest.js';
import type { RollbackResponse as _tact_v1_RollbackResponse, RollbackResponse__Output as _tact_v1_RollbackResponse__Output } from '../../tact/v1/RollbackResponse.js';

/**
 * Policy administration: switch the champion (the policy answering requests
 * that name none) without a restart, and go back. Learner state is kept: a
 * promoted policy serves with everything it learned while it was a
 * challenger or shadow. Applies to the replica called; call each replica of
 * a fleet. Unauthenticated like the rest of the service: expose it only on
 * an admin network.
 */
export interface PolicyAdminClient extends grpc.Client {
  /**
   * Every policy of this server, the champion, the rollback history and each
   * shadow's live value estimate.
   */
  ListPolicies(argument: _tact_v1_ListPoliciesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  ListPolicies(argument: _tact_v1_ListPoliciesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  ListPolicies(argument: _tact_v1_ListPoliciesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  ListPolicies(argument: _tact_v1_ListPoliciesRequest, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every policy of this server, the champion, the rollback history and each
   * shadow's live value estimate.
   */
  listPolicies(argument: _tact_v1_ListPoliciesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  listPolicies(argument: _tact_v1_ListPoliciesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  listPolicies(argument: _tact_v1_ListPoliciesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  listPolicies(argument: _tact_v1_ListPoliciesRequest, callback: grpc.requestCallback<_tact_v1_ListPoliciesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Make a policy the champion; the current champion is kept for Rollback.
   * Promoting the champion itself changes nothing.
   * Errors: INVALID_ARGUMENT (empty name), NOT_FOUND (unknown policy).
   */
  Promote(argument: _tact_v1_PromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  Promote(argument: _tact_v1_PromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  Promote(argument: _tact_v1_PromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  Promote(argument: _tact_v1_PromoteRequest, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Make a policy the champion; the current champion is kept for Rollback.
   * Promoting the champion itself changes nothing.
   * Errors: INVALID_ARGUMENT (empty name), NOT_FOUND (unknown policy).
   */
  promote(argument: _tact_v1_PromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  promote(argument: _tact_v1_PromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  promote(argument: _tact_v1_PromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  promote(argument: _tact_v1_PromoteRequest, callback: grpc.requestCallback<_tact_v1_PromoteResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Return to the champion before the last Promote (repeatable, newest first).
   * Errors: FAILED_PRECONDITION (nothing to roll back to).
   */
  Rollback(argument: _tact_v1_RollbackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  Rollback(argument: _tact_v1_RollbackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  Rollback(argument: _tact_v1_RollbackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  Rollback(argument: _tact_v1_RollbackRequest, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Return to the champion before the last Promote (repeatable, newest first).
   * Errors: FAILED_PRECONDITION (nothing to roll back to).
   */
  rollback(argument: _tact_v1_RollbackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  rollback(argument: _tact_v1_RollbackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  rollback(argument: _tact_v1_RollbackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  rollback(argument: _tact_v1_RollbackRequest, callback: grpc.requestCallback<_tact_v1_RollbackResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Policy administration: switch the champion (the policy answering requests
 * that name none) without a restart, and go back. Learner state is kept: a
 * promoted policy serves with everything it learned while it was a
 * challenger or shadow. Applies to the replica called; call each replica of
 * a fleet. Unauthenticated like the rest of the service: expose it only on
 * an admin network.
 */
export interface PolicyAdminHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Every policy of this server, the champion, the rollback history and each
   * shadow's live value estimate.
   */
  ListPolicies: grpc.handleUnaryCall<_tact_v1_ListPoliciesRequest__Output, _tact_v1_ListPoliciesResponse>;
  
  /**
   * Make a policy the champion; the current champion is kept for Rollback.
   * Promoting the champion itself changes nothing.
   * Errors: INVALID_ARGUMENT (empty name), NOT_FOUND (unknown policy).
   */
  Promote: grpc.handleUnaryCall<_tact_v1_PromoteRequest__Output, _tact_v1_PromoteResponse>;
  
  /**
   * Return to the champion before the last Promote (repeatable, newest first).
   * Errors: FAILED_PRECONDITION (nothing to roll back to).
   */
  Rollback: grpc.handleUnaryCall<_tact_v1_RollbackRequest__Output, _tact_v1_RollbackResponse>;
  
}

export interface PolicyAdminDefinition extends grpc.ServiceDefinition {
  ListPolicies: MethodDefinition<_tact_v1_ListPoliciesRequest, _tact_v1_ListPoliciesResponse, _tact_v1_ListPoliciesRequest__Output, _tact_v1_ListPoliciesResponse__Output>
  Promote: MethodDefinition<_tact_v1_PromoteRequest, _tact_v1_PromoteResponse, _tact_v1_PromoteRequest__Output, _tact_v1_PromoteResponse__Output>
  Rollback: MethodDefinition<_tact_v1_RollbackRequest, _tact_v1_RollbackResponse, _tact_v1_RollbackRequest__Output, _tact_v1_RollbackResponse__Output>
}
