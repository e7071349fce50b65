import type { CampaignProgress, CampaignSpec } from '../campaigns/campaign.js';
import type { Campaigns } from '../campaigns/campaigns.js';
import type { Clock } from '../core/clock.js';
import { invalidArgument, tactError } from '../core/errors.js';
import type { Segments } from '../segments/segments.js';
import { unary } from './decision-service.js';
import type { Campaign } from './generated/tact/v1/Campaign.js';
import type { CampaignServiceHandlers } from './generated/tact/v1/CampaignService.js';
import type { StartCampaignRequest__Output } from './generated/tact/v1/StartCampaignRequest.js';
import type { Timestamp__Output } from './generated/google/protobuf/Timestamp.js';
import { LIMITS, requiredId, requiredName } from './validate.js';

export const CAMPAIGN_SERVICE = 'tact.v1.CampaignService';

export interface CampaignServiceDeps {
  readonly campaigns: Campaigns;
  readonly segments: Segments;
  readonly clock: Clock;
}

/** Default ListSegmentMembers page. */
const DEFAULT_PAGE = 100;

/** Thin handlers: proto to the campaigns module and back; errors map at the edge. */
export function campaignServiceHandlers(deps: CampaignServiceDeps): CampaignServiceHandlers {
  const { campaigns, clock } = deps;
  const view = async (id: string): Promise<{ campaign: Campaign }> => {
    const { spec, progress } = await campaigns.get(id);
    return { campaign: toCampaign(spec, progress) };
  };
  return {
    StartCampaign: unary(clock, async (req: StartCampaignRequest__Output) => {
      const spec = await campaigns.start(toStart(req));
      return view(spec.id);
    }),
    GetCampaign: unary(clock, async (req) => view(requiredId(req.campaign_id, 'campaign_id'))),
    PauseCampaign: unary(clock, async (req) => {
      const id = requiredId(req.campaign_id, 'campaign_id');
      await campaigns.pause(id, true);
      return view(id);
    }),
    ResumeCampaign: unary(clock, async (req) => {
      const id = requiredId(req.campaign_id, 'campaign_id');
      await campaigns.pause(id, false);
      return view(id);
    }),
    ListSegmentMembers: unary(clock, async (req) => {
      const segment = requiredName(req.segment, 'segment');
      const size = req.page_size === 0 ? DEFAULT_PAGE : req.page_size;
      if (req.page_token.length > LIMITS.idLength) throw tactError('TOO_LONG', `longer than ${LIMITS.idLength} characters`, 'page_token');
      const ids = await deps.segments.list(segment, req.page_token, size);
      return {
        customer_ids: ids,
        next_page_token: ids.length === size ? (ids[ids.length - 1] as string) : '',
        total: await deps.segments.count(segment),
      };
    }),
  };
}

function toStart(req: StartCampaignRequest__Output) {
  const perDay = req.budgets?.sends_per_day ?? {};
  const channels = Object.keys(perDay);
  if (channels.length > LIMITS.consentChannels) throw tactError('TOO_LONG', `more than ${LIMITS.consentChannels} channels`, 'budgets.sends_per_day');
  for (const c of channels) requiredName(c, 'budgets.sends_per_day');
  return {
    id: requiredId(req.campaign_id, 'campaign_id'),
    segment: requiredName(req.segment, 'segment'),
    trigger: requiredName(req.trigger, 'trigger'),
    ...(req.policy ? { policy: requiredName(req.policy, 'policy') } : {}),
    ...(req.start_at ? { startAt: timestamp(req.start_at, 'start_at') } : {}),
    ...(req.end_at ? { endAt: timestamp(req.end_at, 'end_at') } : {}),
    budgets: {
      perChannelPerDay: { ...perDay },
      ...(req.budgets?.total_cost !== undefined ? { totalCost: req.budgets.total_cost } : {}),
    },
    ...(req.rate_per_second ? { ratePerSecond: req.rate_per_second } : {}),
    ...(req.admit_floor ? { admitFloor: req.admit_floor } : {}),
  };
}

/** A schedule time: any valid timestamp (a campaign may be scheduled ahead, unlike an event). */
function timestamp(ts: Timestamp__Output, field: string): number {
  const ms = ts.seconds * 1000 + Math.floor(ts.nanos / 1e6);
  if (!Number.isFinite(ms) || ts.nanos < 0 || ts.nanos >= 1e9) throw invalidArgument(field, 'not a valid timestamp');
  return ms;
}

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

const PHASES = { scoring: 'CAMPAIGN_PHASE_SCORING', sending: 'CAMPAIGN_PHASE_SENDING', done: 'CAMPAIGN_PHASE_DONE' } as const;

export function toCampaign(spec: CampaignSpec, p: CampaignProgress): Campaign {
  return {
    campaign_id: spec.id,
    segment: spec.segment,
    trigger: spec.trigger,
    policy: spec.policy ?? '',
    start_at: ts(spec.startAt),
    end_at: ts(spec.endAt),
    budgets: {
      sends_per_day: { ...spec.budgets.perChannelPerDay },
      ...(spec.budgets.totalCost !== undefined ? { total_cost: spec.budgets.totalCost } : {}),
    },
    rate_per_second: spec.ratePerSecond,
    admit_floor: spec.admitFloor,
    progress: {
      phase: PHASES[p.phase],
      paused: p.paused,
      done_reason: p.doneReason ?? '',
      audience: p.audience,
      scored: p.scored,
      seen: p.seen,
      admitted: p.admitted,
      decided: p.decided,
      sent_by_channel: { ...p.sentByChannel },
      cost_used: p.costUsed,
      errors: p.errors,
      last_error: p.lastError ?? '',
      ...(p.threshold !== undefined && Number.isFinite(p.threshold) ? { threshold: p.threshold } : {}),
    },
  };
}
