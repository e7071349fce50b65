import { TestRedisCluster } from './redis-cluster.js';
import { RedisStore } from '../../src/store/redis/redis-store.js';
const c = await TestRedisCluster.start();
let fails = 0;
for (let i = 0; i < 30; i++) {
  const t = Date.now();
  try {
  const s = await RedisStore.connect({ cluster: c.seeds, connectTimeoutMs: 5000 });
  await s.close();
  } catch (e) { fails++; console.log('fail', (e as Error).message.slice(-40)); }
  if (Date.now() - t > 1000) console.log('slow', Date.now() - t);
}
console.log('fails', fails);
await c.stop();
