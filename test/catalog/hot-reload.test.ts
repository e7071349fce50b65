import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogSource } from '../../src/catalog/catalog-source.js';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { grpcError, TestClient } from '../support/grpc-client.js';
import { parsePromText, sumSeries } from '../support/prom-text.js';
import { RULES_CATALOG_YAML, rulesCatalog } from '../rules/helpers.js';

/** The rules test catalog plus one trigger and one message for it. */
const WITH_WELCOME = `${RULES_CATALOG_YAML.replace('triggers:\n', 'triggers:\n  - { id: welcome, slots: [now] }\n')}  - { id: hello, triggers: [welcome], channels: [email], category: service, value: 1 }\n`;

const dir = mkdtempSync(path.join(tmpdir(), 'tact-catalog-'));

/** Replace the file the way editors and config-map mounts do: write elsewhere, rename over. */
function replace(file: string, text: string): void {
  writeFileSync(`${file}.new`, text);
  renameSync(`${file}.new`, file);
}

/** Wait for a condition the server reaches on its own (a file poll); bounded, not timed. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}`);
}

describe('CatalogSource', () => {
  it('swaps to a valid file and keeps the serving catalog when the new file is invalid', () => {
    const file = path.join(dir, 'unit.yaml');
    writeFileSync(file, RULES_CATALOG_YAML);
    const source = CatalogSource.fromFile(file);
    const first = source.get();
    expect(first.triggers.has('welcome')).toBe(false);
    writeFileSync(file, WITH_WELCOME);
    expect(source.reload().triggers.has('welcome')).toBe(true);
    const second = source.get();
    expect(second).not.toBe(first);
    writeFileSync(file, WITH_WELCOME.replace('channels: [email], category: service', 'channels: [fax], category: service'));
    expect(() => source.reload()).toThrow(/unknown channel "fax"/);
    expect(source.get()).toBe(second);
  });

  it('a catalog given in code does not reload', () => {
    const source = new CatalogSource(rulesCatalog());
    expect(() => source.reload()).toThrow(/not loaded from a file/);
  });
});

describe('tact serve reloads its catalog file', () => {
  const file = path.join(dir, 'served.yaml');
  let running: RunningTact;
  let client: TestClient;
  const reloads = async (result: string) => {
    const text = await (await fetch(`http://127.0.0.1:${running.metricsServer.port}/metrics`)).text();
    return sumSeries(parsePromText(text), 'tact_catalog_reloads_total', { result });
  };

  beforeAll(async () => {
    writeFileSync(file, RULES_CATALOG_YAML);
    const config = configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', catalog: file, seed: 3 });
    running = await serve(config);
    client = new TestClient(`127.0.0.1:${running.grpc.port}`);
  });
  afterAll(async () => {
    client.close();
    await running.stop();
  });

  it('a new trigger serves after the file changes; an invalid file is counted and changes nothing', async () => {
    const welcome = { customer_id: 'c1', trigger: 'welcome' };
    expect((await grpcError(client.decide(welcome))).details).toMatch(/unknown trigger "welcome"/);
    expect(readFileSync(file, 'utf8')).not.toContain('welcome');

    replace(file, WITH_WELCOME);
    await eventually(async () => (await reloads('ok')) === 1, 'the valid catalog reloaded');
    const d = await client.decide(welcome);
    expect(['hello:email:now', 'no_send']).toContain(d.choices[0]!.action_id);

    replace(file, 'channels: [ {id: email, cost: oops} ]\n');
    await eventually(async () => (await reloads('invalid')) === 1, 'the invalid catalog counted');
    expect(await reloads('ok')).toBe(1);
    const again = await client.decide({ ...welcome, customer_id: 'c2' });
    expect(['hello:email:now', 'no_send']).toContain(again.choices[0]!.action_id);
  });
});
