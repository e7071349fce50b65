/**
 * Profile the Tact server under max Decide load: the server runs in this
 * process (start it with node --cpu-prof), h2load in a child.
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/load/profile-decide.ts 100
 */
import { serve } from '../../src/cli/serve.js';
import { configSchema } from '../../src/config.js';
import { TestClient } from '../../test/support/grpc-client.js';
import { decideRequest, encodeDecide, DECIDE_PATH } from './messages.js';
import { runH2load } from './h2load.js';
import { fork } from 'node:child_process';
const k = Number(process.argv[2] ?? 20);
if (process.argv[3] === 'driver') {
  const port = Number(process.argv[4]);
  const r = await runH2load({ url: `http://127.0.0.1:${port}${DECIDE_PATH}`, body: encodeDecide(decideRequest(k)), seconds: 5, connections: 4, streams: Math.max(1, Math.min(32, Math.floor(49152 / encodeDecide(decideRequest(k)).length))) });
  console.log(JSON.stringify(r));
  process.exit(0);
}
const running = await serve(configSchema.parse({ listen: '127.0.0.1:0', metricsListen: '127.0.0.1:0', logLevel: 'warn', seed: 1 }));
const client = new TestClient(`127.0.0.1:${running.grpc.port}`);
for (let i = 0; i < 1000; i++) { const d = await client.decide(decideRequest(k, `w${i}`)); await client.reward({ decision_id: d.decision_id, value: 1 }); }
client.close();
const child = fork(new URL(import.meta.url).pathname, [String(k), 'driver', String(running.grpc.port)], { execArgv: ['--import', 'tsx'] });
await new Promise((r) => child.on('exit', r));
await running.stop();
process.exit(0);
