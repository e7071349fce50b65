/**
 * Request bodies for the load generator: real protobuf encodings of Tact
 * messages, framed as gRPC (1 byte compressed flag, 4 bytes length).
 */
import type { MethodDefinition } from '@grpc/proto-loader';
import { loadTactDefinition } from '../../src/server/proto.js';
import type { DecideRequest } from '../../src/server/generated/tact/v1/DecideRequest.js';
import type { RewardRequest } from '../../src/server/generated/tact/v1/RewardRequest.js';

export const DECIDE_PATH = '/tact.v1.DecisionService/Decide';
export const REWARD_PATH = '/tact.v1.DecisionService/Reward';
export const REWARD_STREAM_PATH = '/tact.v1.DecisionService/RewardStream';

const service = loadTactDefinition()['tact.v1.DecisionService'] as unknown as Record<
  string,
  MethodDefinition<object, object>
>;

export function method(name: 'Decide' | 'Reward' | 'RewardStream'): MethodDefinition<object, object> {
  const m = service[name];
  if (!m) throw new Error(`no method ${name}`);
  return m;
}

export function grpcFrame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/**
 * Channels outside the catalog: h2load repeats one request body, so every
 * call is for the same customer, and with catalog channels their frequency
 * caps would turn every call after the first few into a forced no-send that
 * never reaches the learner. With no caps on these channels every Decide is
 * scored, explored, sampled and recorded: the hot path the targets are about.
 */
const CHANNELS = ['bench_email', 'bench_sms', 'bench_push', 'bench_in_app'];
const TONES = ['plain', 'urgent', 'friendly'];

/** K catalog-like client candidates: a channel, a category, a tone, a discount and a value. */
export function decideRequest(k: number, customer = 'bench-customer'): DecideRequest {
  return {
    customer_id: customer,
    trigger: 'cart_abandoned',
    context: {
      numeric: { basket_value: 87.5, days_since_purchase: 12, sessions_30d: 4 },
      categorical: { segment: 'returning', device: 'mobile' },
    },
    candidates: Array.from({ length: k }, (_, i) => ({
      id: `m${i}:${CHANNELS[i % 4]}`,
      channel: CHANNELS[i % 4] as string,
      features: {
        numeric: { discount: (i % 5) * 0.05, value: 20 + (i % 17) * 5 },
        categorical: { category: `cat${i % 12}`, tone: TONES[i % 3] as string },
      },
    })),
  };
}

export function encodeDecide(req: DecideRequest): Buffer {
  return grpcFrame(method('Decide').requestSerialize(req));
}

export function encodeRewards(reqs: readonly RewardRequest[]): Buffer {
  const ser = method('Reward').requestSerialize;
  return Buffer.concat(reqs.map((r) => grpcFrame(ser(r))));
}
