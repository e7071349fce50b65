import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/catalog/load.js';
import { runCampaign } from '../../src/cli/campaign.js';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { memoryIo } from '../cli/world-log.js';
import { TestClient } from '../support/grpc-client.js';
import { CAMPAIGN_CATALOG } from './harness.js';

/** The admin port's CampaignService and `tact campaign`, against a served Tact (memory mode, real time). */
describe('tact campaign over gRPC', () => {
  let running: RunningTact;
  let client: TestClient;
  let target: string;
  const cli = async (...args: string[]) => {
    const m = memoryIo();
    const code = await runCampaign([...args, '--target', target], m.io);
    return { code, out: m.out(), err: m.err() };
  };

  beforeAll(async () => {
    running = await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', adminListen: '127.0.0.1:0', logLevel: 'silent', seed: 2 }), {
      catalog: parseCatalog(CAMPAIGN_CATALOG, 'grpc-campaign-test'),
    });
    target = `127.0.0.1:${running.admin?.port}`;
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
    for (let i = 0; i < 45; i++) {
      const plan = i < 40 ? 'free' : 'paid';
      await client.recordEvent({ customer_id: `m${String(i).padStart(2, '0')}`, type: 'PROFILE_UPDATE', attributes: { categorical: { plan } } });
    }
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('lists a segment kept current by RecordEvent, in pages', async () => {
    const first = await cli('members', 'free_users', '--page-size', '15');
    expect(first.code).toBe(0);
    expect(first.out).toContain('15 of 40 member(s) of free_users; next page: --page-token m14');
    const last = await cli('members', 'free_users', '--page-size', '15', '--page-token', 'm29');
    expect(last.out.trim().split('\n').slice(0, -1)).toEqual([...Array(10).keys()].map((i) => `m${30 + i}`));
    expect(last.out).toContain('10 of 40 member(s)');
  });

  it('a segment entry fires a trigger rule on segment.<id>.entered; both are counted in the metrics', async () => {
    let text = '';
    for (let i = 0; i < 50 && !text.includes('tact_triggers_fired_total{trigger="welcome"} 40'); i++) {
      text = await running.metrics.scrape();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toContain('tact_segment_changes_total{segment="free_users",change="entered"} 40');
    expect(text).toContain('tact_triggers_fired_total{trigger="welcome"} 40');
  });

  it('starts a budgeted campaign, shows progress until done, pauses and resumes', async () => {
    const started = await cli('start', 'demo', '--segment', 'free_users', '--trigger', 'autumn', '--budget', 'sms=10', '--rate', '1000');
    expect(started.err).toBe('');
    expect(started.out).toContain('campaign demo: segment free_users, trigger autumn');
    expect(started.out).toContain('budgets   sms 10/day');
    let out = '';
    for (let i = 0; i < 100 && !out.includes('phase     done'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      out = (await cli('get', 'demo')).out;
    }
    expect(out).toContain('phase     done: audience exhausted');
    expect(out).toMatch(/members {3}audience 40, scored 40, seen 40/);
    const json = JSON.parse((await cli('get', 'demo', '--json')).out) as { progress: { sent_by_channel: Record<string, number> } };
    expect(json.progress.sent_by_channel['sms'] ?? 0).toBeLessThanOrEqual(10);
    expect((await cli('pause', 'demo')).out).toContain('(paused)');
    expect((await cli('resume', 'demo')).out).not.toContain('(paused)');
  });

  it('refuses bad input naming the field', async () => {
    const unknown = await cli('start', 'x', '--segment', 'nope', '--trigger', 'autumn');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('INVALID_ARGUMENT: segment: unknown segment "nope"');
    const channel = await cli('start', 'y', '--segment', 'free_users', '--trigger', 'autumn', '--budget', 'fax=3');
    expect(channel.err).toContain('budgets.sends_per_day[fax]: unknown channel');
    const again = await cli('start', 'demo', '--segment', 'free_users', '--trigger', 'autumn');
    expect(again.err).toContain('FAILED_PRECONDITION');
    expect((await cli('get', 'missing')).err).toContain('NOT_FOUND');
  });
});
