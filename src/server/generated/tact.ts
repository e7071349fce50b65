import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { Campaign as _tact_v1_Campaign, Campaign__Output as _tact_v1_Campaign__Output } from './tact/v1/Campaign.js';
import type { CampaignBudgets as _tact_v1_CampaignBudgets, CampaignBudgets__Output as _tact_v1_CampaignBudgets__Output } from './tact/v1/CampaignBudgets.js';
import type { CampaignProgress as _tact_v1_CampaignProgress, CampaignProgress__Output as _tact_v1_CampaignProgress__Output } from './tact/v1/CampaignProgress.js';
import type { CampaignServiceClient as _tact_v1_CampaignServiceClient, CampaignServiceDefinition as _tact_v1_CampaignServiceDefinition } from './tact/v1/CampaignService.js';
import type { Candidate as _tact_v1_Candidate, Candidate__Output as _tact_v1_Candidate__Output } from './tact/v1/Candidate.js';
import type { Choice as _tact_v1_Choice, Choice__Output as _tact_v1_Choice__Output } from './tact/v1/Choice.js';
import type { DecideRequest as _tact_v1_DecideRequest, DecideRequest__Output as _tact_v1_DecideRequest__Output } from './tact/v1/DecideRequest.js';
import type { DecideResponse as _tact_v1_DecideResponse, DecideResponse__Output as _tact_v1_DecideResponse__Output } from './tact/v1/DecideResponse.js';
import type { DecisionServiceClient as _tact_v1_DecisionServiceClient, DecisionServiceDefinition as _tact_v1_DecisionServiceDefinition } from './tact/v1/DecisionService.js';
import type { FeatureContribution as _tact_v1_FeatureContribution, FeatureContribution__Output as _tact_v1_FeatureContribution__Output } from './tact/v1/FeatureContribution.js';
import type { Features as _tact_v1_Features, Features__Output as _tact_v1_Features__Output } from './tact/v1/Features.js';
import type { ForgetCustomerRequest as _tact_v1_ForgetCustomerRequest, ForgetCustomerRequest__Output as _tact_v1_ForgetCustomerRequest__Output } from './tact/v1/ForgetCustomerRequest.js';
import type { ForgetCustomerResponse as _tact_v1_ForgetCustomerResponse, ForgetCustomerResponse__Output as _tact_v1_ForgetCustomerResponse__Output } from './tact/v1/ForgetCustomerResponse.js';
import type { GetCampaignRequest as _tact_v1_GetCampaignRequest, GetCampaignRequest__Output as _tact_v1_GetCampaignRequest__Output } from './tact/v1/GetCampaignRequest.js';
import type { GetCampaignResponse as _tact_v1_GetCampaignResponse, GetCampaignResponse__Output as _tact_v1_GetCampaignResponse__Output } from './tact/v1/GetCampaignResponse.js';
import type { ListPoliciesRequest as _tact_v1_ListPoliciesRequest, ListPoliciesRequest__Output as _tact_v1_ListPoliciesRequest__Output } from './tact/v1/ListPoliciesRequest.js';
import type { ListPoliciesResponse as _tact_v1_ListPoliciesResponse, ListPoliciesResponse__Output as _tact_v1_ListPoliciesResponse__Output } from './tact/v1/ListPoliciesResponse.js';
import type { ListSegmentMembersRequest as _tact_v1_ListSegmentMembersRequest, ListSegmentMembersRequest__Output as _tact_v1_ListSegmentMembersRequest__Output } from './tact/v1/ListSegmentMembersRequest.js';
import type { ListSegmentMembersResponse as _tact_v1_ListSegmentMembersResponse, ListSegmentMembersResponse__Output as _tact_v1_ListSegmentMembersResponse__Output } from './tact/v1/ListSegmentMembersResponse.js';
import type { LiveEstimate as _tact_v1_LiveEstimate, LiveEstimate__Output as _tact_v1_LiveEstimate__Output } from './tact/v1/LiveEstimate.js';
import type { PauseCampaignRequest as _tact_v1_PauseCampaignRequest, PauseCampaignRequest__Output as _tact_v1_PauseCampaignRequest__Output } from './tact/v1/PauseCampaignRequest.js';
import type { PauseCampaignResponse as _tact_v1_PauseCampaignResponse, PauseCampaignResponse__Output as _tact_v1_PauseCampaignResponse__Output } from './tact/v1/PauseCampaignResponse.js';
import type { PolicyAdminClient as _tact_v1_PolicyAdminClient, PolicyAdminDefinition as _tact_v1_PolicyAdminDefinition } from './tact/v1/PolicyAdmin.js';
import type { PolicyInfo as _tact_v1_PolicyInfo, PolicyInfo__Output as _tact_v1_PolicyInfo__Output } from './tact/v1/PolicyInfo.js';
import type { PromoteRequest as _tact_v1_PromoteRequest, PromoteRequest__Output as _tact_v1_PromoteRequest__Output } from './tact/v1/PromoteRequest.js';
import type { PromoteResponse as _tact_v1_PromoteResponse, PromoteResponse__Output as _tact_v1_PromoteResponse__Output } from './tact/v1/PromoteResponse.js';
import type { RecordEventRequest as _tact_v1_RecordEventRequest, RecordEventRequest__Output as _tact_v1_RecordEventRequest__Output } from './tact/v1/RecordEventRequest.js';
import type { RecordEventResponse as _tact_v1_RecordEventResponse, RecordEventResponse__Output as _tact_v1_RecordEventResponse__Output } from './tact/v1/RecordEventResponse.js';
import type { RemovedCandidate as _tact_v1_RemovedCandidate, RemovedCandidate__Output as _tact_v1_RemovedCandidate__Output } from './tact/v1/RemovedCandidate.js';
import type { ResumeCampaignRequest as _tact_v1_ResumeCampaignRequest, ResumeCampaignRequest__Output as _tact_v1_ResumeCampaignRequest__Output } from './tact/v1/ResumeCampaignRequest.js';
import type { ResumeCampaignResponse as _tact_v1_ResumeCampaignResponse, ResumeCampaignResponse__Output as _tact_v1_ResumeCampaignResponse__Output } from './tact/v1/ResumeCampaignResponse.js';
import type { RewardRequest as _tact_v1_RewardRequest, RewardRequest__Output as _tact_v1_RewardRequest__Output } from './tact/v1/RewardRequest.js';
import type { RewardResponse as _tact_v1_RewardResponse, RewardResponse__Output as _tact_v1_RewardResponse__Output } from './tact/v1/RewardResponse.js';
import type { RewardStreamResponse as _tact_v1_RewardStreamResponse, RewardStreamResponse__Output as _tact_v1_RewardStreamResponse__Output } from './tact/v1/RewardStreamResponse.js';
import type { RollbackRequest as _tact_v1_RollbackRequest, RollbackRequest__Output as _tact_v1_RollbackRequest__Output } from './tact/v1/RollbackRequest.js';
import type { RollbackResponse as _tact_v1_RollbackResponse, RollbackResponse__Output as _tact_v1_RollbackResponse__Output } from './tact/v1/RollbackResponse.js';
import type { SetConsentRequest as _tact_v1_SetConsentRequest, SetConsentRequest__Output as _tact_v1_SetConsentRequest__Output } from './tact/v1/SetConsentRequest.js';
import type { SetConsentResponse as _tact_v1_SetConsentResponse, SetConsentResponse__Output as _tact_v1_SetConsentResponse__Output } from './tact/v1/SetConsentResponse.js';
import type { StartCampaignRequest as _tact_v1_StartCampaignRequest, StartCampaignRequest__Output as _tact_v1_StartCampaignRequest__Output } from './tact/v1/StartCampaignRequest.js';
import type { StartCampaignResponse as _tact_v1_StartCampaignResponse, StartCampaignResponse__Output as _tact_v1_StartCampaignResponse__Output } from './tact/v1/StartCampaignResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  tact: {
    v1: {
      Campaign: MessageTypeDefinition<_tact_v1_Campaign, _tact_v1_Campaign__Output>
      CampaignBudgets: MessageTypeDefinition<_tact_v1_CampaignBudgets, _tact_v1_CampaignBudgets__Output>
      CampaignPhase: EnumTypeDefinition
      CampaignProgress: MessageTypeDefinition<_tact_v1_CampaignProgress, _tact_v1_CampaignProgress__Output>
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
      CampaignService: SubtypeConstructor<typeof grpc.Client, _tact_v1_CampaignServiceClient> & { service: _tact_v1_CampaignServiceDefinition }
      Candidate: MessageTypeDefinition<_tact_v1_Candidate, _tact_v1_Candidate__Output>
      Choice: MessageTypeDefinition<_tact_v1_Choice, _tact_v1_Choice__Output>
      DecideRequest: MessageTypeDefinition<_tact_v1_DecideRequest, _tact_v1_DecideRequest__Output>
      DecideResponse: MessageTypeDefinition<_tact_v1_DecideResponse, _tact_v1_DecideResponse__Output>
      DecisionService: SubtypeConstructor<typeof grpc.Client, _tact_v1_DecisionServiceClient> & { service: _tact_v1_DecisionServiceDefinition }
      FeatureContribution: MessageTypeDefinition<_tact_v1_FeatureContribution, _tact_v1_FeatureContribution__Output>
      Features: MessageTypeDefinition<_tact_v1_Features, _tact_v1_Features__Output>
      ForgetCustomerRequest: MessageTypeDefinition<_tact_v1_ForgetCustomerRequest, _tact_v1_ForgetCustomerRequest__Output>
      ForgetCustomerResponse: MessageTypeDefinition<_tact_v1_ForgetCustomerResponse, _tact_v1_ForgetCustomerResponse__Output>
      GetCampaignRequest: MessageTypeDefinition<_tact_v1_GetCampaignRequest, _tact_v1_GetCampaignRequest__Output>
      GetCampaignResponse: MessageTypeDefinition<_tact_v1_GetCampaignResponse, _tact_v1_GetCampaignResponse__Output>
      ListPoliciesRequest: MessageTypeDefinition<_tact_v1_ListPoliciesRequest, _tact_v1_ListPoliciesRequest__Output>
      ListPoliciesResponse: MessageTypeDefinition<_tact_v1_ListPoliciesResponse, _tact_v1_ListPoliciesResponse__Output>
      ListSegmentMembersRequest: MessageTypeDefinition<_tact_v1_ListSegmentMembersRequest, _tact_v1_ListSegmentMembersRequest__Output>
      ListSegmentMembersResponse: MessageTypeDefinition<_tact_v1_ListSegmentMembersResponse, _tact_v1_ListSegmentMembersResponse__Output>
      LiveEstimate: MessageTypeDefinition<_tact_v1_LiveEstimate, _tact_v1_LiveEstimate__Output>
      PauseCampaignRequest: MessageTypeDefinition<_tact_v1_PauseCampaignRequest, _tact_v1_PauseCampaignRequest__Output>
      PauseCampaignResponse: MessageTypeDefinition<_tact_v1_PauseCampaignResponse, _tact_v1_PauseCampaignResponse__Output>
      /**
       * Policy administration: switch the champion (the policy answering requests
       * that name none) without a restart, and go back. Learner state is kept: a
       * promoted policy serves with everything it learned while it was a
       * challenger or shadow. Applies to the replica called; call each replica of
       * a fleet. Unauthenticated like the rest of the service: expose it only on
       * an admin network.
       */
      PolicyAdmin: SubtypeConstructor<typeof grpc.Client, _tact_v1_PolicyAdminClient> & { service: _tact_v1_PolicyAdminDefinition }
      PolicyInfo: MessageTypeDefinition<_tact_v1_PolicyInfo, _tact_v1_PolicyInfo__Output>
      PromoteRequest: MessageTypeDefinition<_tact_v1_PromoteRequest, _tact_v1_PromoteRequest__Output>
      PromoteResponse: MessageTypeDefinition<_tact_v1_PromoteResponse, _tact_v1_PromoteResponse__Output>
      RecordEventRequest: MessageTypeDefinition<_tact_v1_RecordEventRequest, _tact_v1_RecordEventRequest__Output>
      RecordEventResponse: MessageTypeDefinition<_tact_v1_RecordEventResponse, _tact_v1_RecordEventResponse__Output>
      RemovedCandidate: MessageTypeDefinition<_tact_v1_RemovedCandidate, _tact_v1_RemovedCandidate__Output>
      ResumeCampaignRequest: MessageTypeDefinition<_tact_v1_ResumeCampaignRequest, _tact_v1_ResumeCampaignRequest__Output>
      ResumeCampaignResponse: MessageTypeDefinition<_tact_v1_ResumeCampaignResponse, _tact_v1_ResumeCampaignResponse__Output>
      RewardRequest: MessageTypeDefinition<_tact_v1_RewardRequest, _tact_v1_RewardRequest__Output>
      RewardResponse: MessageTypeDefinition<_tact_v1_RewardResponse, _tact_v1_RewardResponse__Output>
      RewardStreamResponse: MessageTypeDefinition<_tact_v1_RewardStreamResponse, _tact_v1_RewardStreamResponse__Output>
      RollbackRequest: MessageTypeDefinition<_tact_v1_RollbackRequest, _tact_v1_RollbackRequest__Output>
      RollbackResponse: MessageTypeDefinition<_tact_v1_RollbackResponse, _tact_v1_RollbackResponse__Output>
      SetConsentRequest: MessageTypeDefinition<_tact_v1_SetConsentRequest, _tact_v1_SetConsentRequest__Output>
      SetConsentResponse: MessageTypeDefinition<_tact_v1_SetConsentResponse, _tact_v1_SetConsentResponse__Output>
      StartCampaignRequest: MessageTypeDefinition<_tact_v1_StartCampaignRequest, _tact_v1_StartCampaignRequest__Output>
      StartCampaignResponse: MessageTypeDefinition<_tact_v1_StartCampaignResponse, _tact_v1_StartCampaignResponse__Output>
    }
  }
}

