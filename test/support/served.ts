import { afterAll, beforeAll } from 'vitest';
import type { z } from 'zod';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { configSchema, type TactConfig } from '../../src/config.js';
import { TestClient } from './grpc-client.js';

/** What `serve` takes besides the settings: clock, store, policies, logger... */
export type Adapters = NonNullable<Parameters<typeof serve>[1]>;

/** Settings a test may give; the rest are those of testConfig. */
export type TestSettings = Partial<z.input<typeof configSchema>>;

/** A test server's settings: ephemeral gRPC and metrics ports, silent logs, then `settings` on top. */
export function testConfig(settings: TestSettings = {}): TactConfig {
  return configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'silent', ...settings });
}

/** The server of a suite and a client of its gRPC port; both exist once the suite's beforeAll has run. */
export interface ServedSuite {
  readonly running: RunningTact;
  readonly client: TestClient;
}

/**
 * `tact serve` in process for the enclosing describe: started in beforeAll
 * (adapters, e.g. a manual clock or a faulty store, built then, so each suite
 * gets fresh ones) and stopped after it with its client.
 */
export function serveSuite(settings: TestSettings = {}, adapters: () => Adapters = () => ({})): ServedSuite {
  const suite = {} as { running: RunningTact; client: TestClient };
  beforeAll(async () => {
    suite.running = await serve(testConfig(settings), adapters());
    suite.client = new TestClient(`127.0.0.1:${suite.running.grpc.port}`);
  });
  afterAll(async () => {
    suite.client?.close();
    await suite.running?.stop();
  });
  return suite;
}
