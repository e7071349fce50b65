import { Counter, type Registry } from 'prom-client';
import type { CampaignObserver, MemberResult } from '../campaigns/campaigns.js';

/**
 * Segments' and campaigns' series: segment entries and exits by segment (a
 * catalog id), campaign members by result and campaign sends by channel.
 * No campaign id label: campaigns come and go, and each would leave its
 * series behind; GetCampaign reports one campaign's progress.
 */
export class CampaignMetrics implements CampaignObserver {
  private readonly changes: Counter<'segment' | 'change'>;
  private readonly members: Counter<'result'>;
  private readonly sends: Counter<'channel'>;

  constructor(registry: Registry, prefix: string) {
    const registers = [registry];
    this.changes = new Counter({
      name: `${prefix}segment_changes_total`,
      help: 'Customers entering or leaving a segment, by segment and change (entered, left).',
      labelNames: ['segment', 'change'],
      registers,
    });
    this.members = new Counter({
      name: `${prefix}campaign_members_total`,
      help: 'Campaign members reached in the sending phase, by result (decided, not_admitted, error).',
      labelNames: ['result'],
      registers,
    });
    this.sends = new Counter({ name: `${prefix}campaign_sends_total`, help: 'Sends decided by campaigns, by channel.', labelNames: ['channel'], registers });
  }

  onSegmentChange(segment: string, change: 'entered' | 'left'): void {
    this.changes.inc({ segment, change });
  }

  onMember(result: MemberResult, channels: readonly string[]): void {
    this.members.inc({ result });
    for (const channel of channels) this.sends.inc({ channel });
  }
}
