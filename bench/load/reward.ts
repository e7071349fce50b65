/**
 * Reward ingest vs the floor: unary Reward, and client-streaming
 * RewardStream with 1000 rewards per call (target 20,000 rewards/s).
 *   npx tsx bench/load/reward.ts [--seconds 5]
 * Every reward joins a live decision (no event id, combine "sum"), so each
 * one is a full join plus a learning update.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TestClient } from '../../test/support/grpc-client.js';
import { ensureH2load, runH2load, type LoadResult } from './h2load.js';
import { grpcErrors, startServer } from './harness.js';
import { decideRequest, encodeRewards, REWARD_PATH, REWARD_STREAM_PATH } from './messages.js';

export const PER_STREAM = 1000;

export interface RewardFigures {
  readonly unary: { floor: LoadResult; tact: LoadResult; errors: number };
  readonly stream: { floor: LoadResult; tact: LoadResult; errors: number };
}

export async function runReward(seconds = 5): Promise<RewardFigures> {
  ensureH2load();
  const floorServer = await startServer('floor');
  const tactServer = await startServer('tact');
  try {
    const client = new TestClient(`127.0.0.1:${tactServer.port}`);
    const ids: string[] = [];
    for (let i = 0; i < PER_STREAM; i++) ids.push((await client.decide(decideRequest(20, `r-${i}`))).decision_id);
    await floorServer.setFloorResponse(await client.reward({ decision_id: ids[0]!, value: 1 }));
    client.close();
    const unaryBody = encodeRewards([{ decision_id: ids[1]!, value: 2.5 }]);
    const streamBody = encodeRewards(ids.map((decision_id, i) => ({ decision_id, value: i % 7 })));
    const unary = (port: number) =>
      runH2load({ url: `http://127.0.0.1:${port}${REWARD_PATH}`, body: unaryBody, seconds, connections: 4, streams: 32 });
    const stream = (port: number) =>
      runH2load({ url: `http://127.0.0.1:${port}${REWARD_STREAM_PATH}`, body: streamBody, seconds, connections: 2, streams: 4 });
    const e0 = await grpcErrors(tactServer.metricsPort, REWARD_PATH.slice(1));
    const u = { floor: await unary(floorServer.port), tact: await unary(tactServer.port) };
    const e1 = await grpcErrors(tactServer.metricsPort, REWARD_PATH.slice(1));
    const s0 = await grpcErrors(tactServer.metricsPort, REWARD_STREAM_PATH.slice(1));
    const s = { floor: await stream(floorServer.port), tact: await stream(tactServer.port) };
    const s1 = await grpcErrors(tactServer.metricsPort, REWARD_STREAM_PATH.slice(1));
    return {
      unary: { ...u, errors: e1 - e0 + u.tact.errors },
      stream: { ...s, errors: s1 - s0 + s.tact.errors },
    };
  } finally {
    await Promise.all([floorServer.close(), tactServer.close()]);
  }
}

export function rewardTable(f: RewardFigures): string {
  const r = (x: number, b: number) => `${(x / b).toFixed(2)}x`;
  return [
    `| ingest | floor rewards/s | tact rewards/s (x floor) | tact p99 ms per call | errors |`,
    '| --- | --- | --- | --- | --- |',
    `| unary Reward | ${f.unary.floor.callsPerSecond.toFixed(0)} | ${f.unary.tact.callsPerSecond.toFixed(0)} (${r(f.unary.tact.callsPerSecond, f.unary.floor.callsPerSecond)}) | ${f.unary.tact.p99.toFixed(2)} | ${f.unary.errors} |`,
    `| RewardStream (${PER_STREAM}/call) | ${(f.stream.floor.callsPerSecond * PER_STREAM).toFixed(0)} | ${(f.stream.tact.callsPerSecond * PER_STREAM).toFixed(0)} (${r(f.stream.tact.callsPerSecond, f.stream.floor.callsPerSecond)}) | ${f.stream.tact.p99.toFixed(2)} | ${f.stream.errors} |`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
  const table = rewardTable(await runReward(Number(values.seconds)));
  console.log(table);
  writeFileSync(new URL('../results/reward-ingest.md', import.meta.url), `# Reward ingest vs the gRPC floor (${new Date().toISOString()})\n\n${table}\n`);
}
