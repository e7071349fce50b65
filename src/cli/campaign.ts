import type { Campaign__Output } from '../server/generated/tact/v1/Campaign.js';
import type { GetCampaignResponse__Output } from '../server/generated/tact/v1/GetCampaignResponse.js';
import type { ListSegmentMembersResponse__Output } from '../server/generated/tact/v1/ListSegmentMembersResponse.js';
import { loadTactProto } from '../server/proto.js';
import { parseNumber, parseTime, processIo, runCommand, UsageError, type CommandIo } from './command.js';
import { call, channelCredentials, withToken } from './promote.js';

export const CAMPAIGN_USAGE = `usage: tact campaign start ID --segment SEGMENT --trigger TRIGGER [--budget CHANNEL=SENDS_PER_DAY]...
                           [--total-cost AMOUNT] [--policy NAME] [--start TIME] [--end TIME]
                           [--rate PER_SECOND] [--admit-floor Q]
       tact campaign get ID [--json]
       tact campaign pause ID
       tact campaign resume ID
       tact campaign members SEGMENT [--page-size N] [--page-token TOKEN]

Outbound campaigns (docs/campaigns.md): decide once for every member of a catalog
segment through the decision pipeline, under budgets that hold across replicas,
highest estimated uplift first. \`members\` lists a segment's live members, paged.

  --budget sms=5000   sends per channel per UTC day (repeat per channel)
  --total-cost 2000   total sending cost of the run (catalog channel costs)
  --start, --end      ISO 8601 or ms; default now and 7 days later
  --rate 50           decisions per second per replica
  --admit-floor 0.05  least admission probability of any member
  --target HOST:PORT  the server's admin address, its --admin-listen (default 127.0.0.1:50052, env TACT_TARGET)
  --timeout MS        call deadline (default 30000: start snapshots the segment)
  --tls-ca FILE       connect with TLS, trusting this CA (env TACT_TLS_CA)
  --tls-cert FILE     client certificate for mutual TLS, with --tls-key FILE
  --tls-key FILE      its private key

The bearer token of a caller with the admin scope is read from TACT_TOKEN.`;

const VERBS = ['start', 'get', 'pause', 'resume', 'members'] as const;

/** \`tact campaign\`: returns the exit code. */
export async function runCampaign(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    segment: { type: 'string' },
    trigger: { type: 'string' },
    policy: { type: 'string' },
    budget: { type: 'string', multiple: true },
    'total-cost': { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    rate: { type: 'string' },
    'admit-floor': { type: 'string' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    json: { type: 'boolean', default: false },
    target: { type: 'string' },
    'tls-ca': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    timeout: { type: 'string' },
  } as const;
  return runCommand({ name: 'campaign', usage: CAMPAIGN_USAGE, options, allowPositionals: true }, argv, io, async (parsed) => {
    const v = parsed.values;
    const [verb, id, ...rest] = parsed.positionals;
    if (!VERBS.includes(verb as (typeof VERBS)[number])) throw new UsageError(`give one of: ${VERBS.join(', ')}`);
    if (!id || rest.length > 0) throw new UsageError(verb === 'members' ? 'give one SEGMENT' : 'give one campaign ID');
    const timeout = parseNumber('timeout', v.timeout, (x) => x > 0) ?? 30_000;
    const target = v.target ?? io.env?.['TACT_TARGET'] ?? '127.0.0.1:50052';
    const proto = loadTactProto();
    const client = new proto.tact.v1.CampaignService(target, channelCredentials(v, io.env), withToken(io.env?.['TACT_TOKEN']));
    const deadline = () => ({ deadline: Date.now() + timeout });
    try {
      if (verb === 'members') {
        const size = parseNumber('page-size', v['page-size'], (x) => Number.isInteger(x) && x > 0) ?? 100;
        const page = await call<ListSegmentMembersResponse__Output>((cb) =>
          client.ListSegmentMembers({ segment: id, page_size: size, page_token: v['page-token'] ?? '' }, deadline(), cb),
        );
        io.stdout.write(page.customer_ids.map((c) => `${c}\n`).join(''));
        io.stdout.write(`${page.customer_ids.length} of ${page.total} member(s) of ${id}${page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''}\n`);
        return;
      }
      let res: GetCampaignResponse__Output;
      if (verb === 'start') {
        if (!v.segment || !v.trigger) throw new UsageError('start needs --segment and --trigger');
        const perDay: Record<string, number> = {};
        for (const b of v.budget ?? []) {
          const m = /^([^=]+)=(\d+)$/.exec(b);
          if (!m) throw new UsageError(`--budget: expected CHANNEL=SENDS_PER_DAY, got "${b}"`);
          perDay[m[1] as string] = Number(m[2]);
        }
        const totalCost = parseNumber('total-cost', v['total-cost'], (x) => Number.isFinite(x) && x >= 0);
        const startAt = parseTime('start', v.start);
        const endAt = parseTime('end', v.end);
        const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
        res = await call((cb) =>
          client.StartCampaign(
            {
              campaign_id: id,
              segment: v.segment,
              trigger: v.trigger,
              policy: v.policy ?? '',
              budgets: { sends_per_day: perDay, ...(totalCost !== undefined ? { total_cost: totalCost } : {}) },
              ...(startAt !== undefined ? { start_at: ts(startAt) } : {}),
              ...(endAt !== undefined ? { end_at: ts(endAt) } : {}),
              rate_per_second: parseNumber('rate', v.rate, (x) => x > 0) ?? 0,
              admit_floor: parseNumber('admit-floor', v['admit-floor'], (x) => x > 0 && x <= 1) ?? 0,
            },
            deadline(),
            cb,
          ),
        );
      } else if (verb === 'get') {
        res = await call((cb) => client.GetCampaign({ campaign_id: id }, deadline(), cb));
      } else {
        res = await call((cb) =>
          verb === 'pause' ? client.PauseCampaign({ campaign_id: id }, deadline(), cb) : client.ResumeCampaign({ campaign_id: id }, deadline(), cb),
        );
      }
      const c = res.campaign as Campaign__Output;
      io.stdout.write(v.json ? `${JSON.stringify(c)}\n` : formatCampaign(c));
    } finally {
      client.close();
    }
  });
}

export function formatCampaign(c: Campaign__Output): string {
  const p = c.progress;
  const iso = (t: { seconds: number } | null) => (t ? new Date(t.seconds * 1000).toISOString() : '-');
  const budgets = [
    ...Object.entries(c.budgets?.sends_per_day ?? {}).map(([ch, n]) => `${ch} ${n}/day`),
    ...(c.budgets?.total_cost !== undefined ? [`cost ${c.budgets.total_cost}`] : []),
  ];
  const lines = [
    `campaign ${c.campaign_id}: segment ${c.segment}, trigger ${c.trigger}, policy ${c.policy || '(default)'}`,
    `window    ${iso(c.start_at)} .. ${iso(c.end_at)}   rate ${c.rate_per_second}/s per replica   admit floor ${c.admit_floor}`,
    `budgets   ${budgets.length > 0 ? budgets.join(', ') : '(none)'}`,
  ];
  if (p) {
    const phase = p.phase.replace('CAMPAIGN_PHASE_', '').toLowerCase();
    lines.push(`phase     ${phase}${p.paused ? ' (paused)' : ''}${p.done_reason ? `: ${p.done_reason}` : ''}`);
    lines.push(`members   audience ${p.audience}, scored ${p.scored}, seen ${p.seen}, admitted ${p.admitted}, decided ${p.decided}, errors ${p.errors}`);
    const sent = Object.entries(p.sent_by_channel).map(([ch, n]) => `${ch} ${n}`);
    lines.push(`sent      ${sent.length > 0 ? sent.join(', ') : '(none)'}   cost used ${p.cost_used.toFixed(2)}${p.threshold !== undefined ? `   threshold ${p.threshold.toFixed(4)}` : ''}`);
    if (p.last_error) lines.push(`last error ${p.last_error}`);
  }
  return `${lines.join('\n')}\n`;
}
