// Original file: proto/tact/v1/tact.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetCampaignRequest as _tact_v1_GetCampaignRequest, GetCampaignRequest__Output as _tact_v1_GetCampaignRequest__Output } from '../../tact/v1/GetCampaignRequest.js';
import type { GetCampaignResponse as _tact_v1_GetCampaignResponse, GetCampaignResponse__Output as _tact_v1_GetCampaignResponse__Output } from '../../tact/v1/GetCampaignResponse.js';
import type { ListSegmentMembersRequest as _tact_v1_ListSegmentMembersRequest, ListSegmentMembersRequest__Output as _tact_v1_ListSegmentMembersRequest__Output } from '../../tact/v1/ListSegmentMembersRequest.js';
import type { ListSegmentMembersResponse as _tact_v1_ListSegmentMembersResponse, ListSegmentMembersResponse__Output as _tact_v1_ListSegmentMembersResponse__Output } from '../../tact/v1/ListSegmentMembersResponse.js';
import type { PauseCampaignRequest as _tact_v1_PauseCampaignRequest, PauseCampaignRequest__Output as _tact_v1_PauseCampaignRequest__Output } from '../../tact/v1/PauseCampaignRequest.js';
import type { PauseCampaignResponse as _tact_v1_PauseCampaignResponse, PauseCampaignResponse__Output as _tact_v1_PauseCampaignResponse__Output } from '../../tact/v1/PauseCampaignResponse.js';
import type { ResumeCampaignRequest as _tact_v1_ResumeCampaignRequest, ResumeCampaignRequest__Output as _tact_v1_ResumeCampaignRequest__Output } from '../../tact/v1/ResumeCampaignRequest.js';
import type { ResumeCampaignResponse as _tact_v1_ResumeCampaignResponse, ResumeCampaignResponse__Output as _tact_v1_ResumeCampaignResponse__Output } from '../../tact/v1/ResumeCampaignResponse.js';
import type { StartCampaignRequest as _tact_v1_StartCampaignRequest, StartCampaignRequest__Output as _tact_v1_StartCampaignRequest__Output } from '../../tact/v1/StartCampaignRequest.js';
import type { StartCampaignResponse as _tact_v1_StartCampaignResponse, StartCampaignResponse__Output as _tact_v1_StartCampaignResponse__Output } from '../../tact/v1/StartCampaignResponse.js';

/**
 * Outbound campaigns (docs/campaigns.md): decide once for every member of a
 * catalog segment, through the same pipeline as Decide (rules, policy,
 * logged propensities, delivery at send_at), under budgets that hold across
 * every replica, spending them on the members with the highest estimated
 * uplift over no-send first. Campaign state is shared by the fleet (Redis
 * mode): call any replica; every replica works on every running campaign.
 * Served on the admin port (--admin-listen) next to PolicyAdmin; callers
 * need the `admin` scope.
 */
export interface CampaignServiceClient extends grpc.Client {
  /**
   * The campaign and its progress. Errors: NOT_FOUND.
   */
  GetCampaign(argument: _tact_v1_GetCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  GetCampaign(argument: _tact_v1_GetCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  GetCampaign(argument: _tact_v1_GetCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  GetCampaign(argument: _tact_v1_GetCampaignRequest, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The campaign and its progress. Errors: NOT_FOUND.
   */
  getCampaign(argument: _tact_v1_GetCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  getCampaign(argument: _tact_v1_GetCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  getCampaign(argument: _tact_v1_GetCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  getCampaign(argument: _tact_v1_GetCampaignRequest, callback: grpc.requestCallback<_tact_v1_GetCampaignResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A catalog segment's live members in id order, paged, and their count.
   * Errors: NOT_FOUND (unknown segment), INVALID_ARGUMENT (page_size).
   */
  ListSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  ListSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  ListSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  ListSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A catalog segment's live members in id order, paged, and their count.
   * Errors: NOT_FOUND (unknown segment), INVALID_ARGUMENT (page_size).
   */
  listSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  listSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  listSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  listSegmentMembers(argument: _tact_v1_ListSegmentMembersRequest, callback: grpc.requestCallback<_tact_v1_ListSegmentMembersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stop deciding (members in flight finish); budgets and cursor are kept.
   * Errors: NOT_FOUND.
   */
  PauseCampaign(argument: _tact_v1_PauseCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  PauseCampaign(argument: _tact_v1_PauseCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  PauseCampaign(argument: _tact_v1_PauseCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  PauseCampaign(argument: _tact_v1_PauseCampaignRequest, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stop deciding (members in flight finish); budgets and cursor are kept.
   * Errors: NOT_FOUND.
   */
  pauseCampaign(argument: _tact_v1_PauseCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  pauseCampaign(argument: _tact_v1_PauseCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  pauseCampaign(argument: _tact_v1_PauseCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  pauseCampaign(argument: _tact_v1_PauseCampaignRequest, callback: grpc.requestCallback<_tact_v1_PauseCampaignResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Continue a paused campaign where it stopped. Errors: NOT_FOUND.
   */
  ResumeCampaign(argument: _tact_v1_ResumeCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  ResumeCampaign(argument: _tact_v1_ResumeCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  ResumeCampaign(argument: _tact_v1_ResumeCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  ResumeCampaign(argument: _tact_v1_ResumeCampaignRequest, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Continue a paused campaign where it stopped. Errors: NOT_FOUND.
   */
  resumeCampaign(argument: _tact_v1_ResumeCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  resumeCampaign(argument: _tact_v1_ResumeCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  resumeCampaign(argument: _tact_v1_ResumeCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  resumeCampaign(argument: _tact_v1_ResumeCampaignRequest, callback: grpc.requestCallback<_tact_v1_ResumeCampaignResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Snapshot the segment's members and start scoring them, then deciding.
   * Errors: INVALID_ARGUMENT (field named: unknown segment, trigger or
   * channel, window, budgets), FAILED_PRECONDITION (the id is taken).
   */
  StartCampaign(argument: _tact_v1_StartCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  StartCampaign(argument: _tact_v1_StartCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  StartCampaign(argument: _tact_v1_StartCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  StartCampaign(argument: _tact_v1_StartCampaignRequest, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Snapshot the segment's members and start scoring them, then deciding.
   * Errors: INVALID_ARGUMENT (field named: unknown segment, trigger or
   * channel, window, budgets), FAILED_PRECONDITION (the id is taken).
   */
  startCampaign(argument: _tact_v1_StartCampaignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  startCampaign(argument: _tact_v1_StartCampaignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  startCampaign(argument: _tact_v1_StartCampaignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  startCampaign(argument: _tact_v1_StartCampaignRequest, callback: grpc.requestCallback<_tact_v1_StartCampaignResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Outbound campaigns (docs/campaigns.md): decide once for every member of a
 * catalog segment, through the same pipeline as Decide (rules, policy,
 * logged propensities, delivery at send_at), under budgets that hold across
 * every replica, spending them on the members with the highest estimated
 * uplift over no-send first. Campaign state is shared by the fleet (Redis
 * mode): call any replica; every replica works on every running campaign.
 * Served on the admin port (--admin-listen) next to PolicyAdmin; callers
 * need the `admin` scope.
 */
export interface CampaignServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The campaign and its progress. Errors: NOT_FOUND.
   */
  GetCampaign: grpc.handleUnaryCall<_tact_v1_GetCampaignRequest__Output, _tact_v1_GetCampaignResponse>;
  
  /**
   * A catalog segment's live members in id order, paged, and their count.
   * Errors: NOT_FOUND (unknown segment), INVALID_ARGUMENT (page_size).
   */
  ListSegmentMembers: grpc.handleUnaryCall<_tact_v1_ListSegmentMembersRequest__Output, _tact_v1_ListSegmentMembersResponse>;
  
  /**
   * Stop deciding (members in flight finish); budgets and cursor are kept.
   * Errors: NOT_FOUND.
   */
  PauseCampaign: grpc.handleUnaryCall<_tact_v1_PauseCampaignRequest__Output, _tact_v1_PauseCampaignResponse>;
  
  /**
   * Continue a paused campaign where it stopped. Errors: NOT_FOUND.
   */
  ResumeCampaign: grpc.handleUnaryCall<_tact_v1_ResumeCampaignRequest__Output, _tact_v1_ResumeCampaignResponse>;
  
  /**
   * Snapshot the segment's members and start scoring them, then deciding.
   * Errors: INVALID_ARGUMENT (field named: unknown segment, trigger or
   * channel, window, budgets), FAILED_PRECONDITION (the id is taken).
   */
  StartCampaign: grpc.handleUnaryCall<_tact_v1_StartCampaignRequest__Output, _tact_v1_StartCampaignResponse>;
  
}

export interface CampaignServiceDefinition extends grpc.ServiceDefinition {
  GetCampaign: MethodDefinition<_tact_v1_GetCampaignRequest, _tact_v1_GetCampaignResponse, _tact_v1_GetCampaignRequest__Output, _tact_v1_GetCampaignResponse__Output>
  ListSegmentMembers: MethodDefinition<_tact_v1_ListSegmentMembersRequest, _tact_v1_ListSegmentMembersResponse, _tact_v1_ListSegmentMembersRequest__Output, _tact_v1_ListSegmentMembersResponse__Output>
  PauseCampaign: MethodDefinition<_tact_v1_PauseCampaignRequest, _tact_v1_PauseCampaignResponse, _tact_v1_PauseCampaignRequest__Output, _tact_v1_PauseCampaignResponse__Output>
  ResumeCampaign: MethodDefinition<_tact_v1_ResumeCampaignRequest, _tact_v1_ResumeCampaignResponse, _tact_v1_ResumeCampaignRequest__Output, _tact_v1_ResumeCampaignResponse__Output>
  StartCampaign: MethodDefinition<_tact_v1_StartCampaignRequest, _tact_v1_StartCampaignResponse, _tact_v1_StartCampaignRequest__Output, _tact_v1_StartCampaignResponse__Output>
}
