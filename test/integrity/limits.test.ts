import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { grpcError } from '../support/grpc-client.js';
import { serveSuite } from '../support/served.js';

const BIG = 'x'.repeat(100_000);

/** A protobuf string field: tag, length, raw bytes (which may be invalid UTF-8). */
function stringField(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
}

describe('limits on every string and map', () => {
  const server = serveSuite({ seed: 4 });
  let address: string;

  beforeAll(() => {
    address = `127.0.0.1:${server.running.grpc.port}`;
  });

  const cases: [string, () => Promise<unknown>, string][] = [
    ['channel', () => server.client.decide({ customer_id: 'c', trigger: 't', candidates: [{ id: 'a', channel: BIG }] }), 'candidates[0].channel'],
    ['feature name', () => server.client.decide({ customer_id: 'c', trigger: 't', context: { numeric: { [BIG]: 1 } } }), 'context.numeric'],
    ['categorical value', () => server.client.decide({ customer_id: 'c', trigger: 't', context: { categorical: { k: BIG } } }), 'context.categorical[k]'],
    ['policy', () => server.client.decide({ customer_id: 'c', trigger: 't', policy: BIG }), 'policy'],
    ['trigger', () => server.client.decide({ customer_id: 'c', trigger: BIG }), 'trigger'],
    ['candidate id', () => server.client.decide({ customer_id: 'c', trigger: 't', candidates: [{ id: BIG }] }), 'candidates[0].id'],
    ['consent key', () => server.client.setConsent({ customer_id: 'c', channels: { [BIG]: true } }), 'channels'],
    ['time zone', () => server.client.setConsent({ customer_id: 'c', time_zone: BIG }), 'time_zone'],
    ['item id', () => server.client.recordEvent({ customer_id: 'c', type: 'CART_ADD', item_id: BIG }), 'item_id'],
    ['category', () => server.client.recordEvent({ customer_id: 'c', type: 'CART_ADD', category: BIG }), 'category'],
    ['event attribute', () => server.client.recordEvent({ customer_id: 'c', type: 'PROFILE_UPDATE', attributes: { categorical: { k: BIG } } }), 'attributes.categorical[k]'],
    ['attribute bound', () => server.client.recordEvent({ customer_id: 'c', type: 'PROFILE_UPDATE', attributes: { numeric: { k: 1e155 } } }), 'attributes.numeric[k]'],
    [
      'consent channels',
      () => server.client.setConsent({ customer_id: 'c', channels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`ch${i}`, true])) }),
      'channels',
    ],
  ];

  it.each(cases)('rejects a huge %s with INVALID_ARGUMENT naming the field, quoting at most a short prefix', async (_name, call, field) => {
    const err = await grpcError(call());
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details.startsWith(`${field}: `)).toBe(true);
    expect(err.details.length).toBeLessThan(300);
  });

  it('answers the next call on the same connection after a 100 KB policy name', async () => {
    await grpcError(server.client.decide({ customer_id: 'c', trigger: 't', policy: BIG }));
    const d = await server.client.decide({ customer_id: 'c', trigger: 'cart_abandoned' });
    expect(d.decision_id).toMatch(/\./);
  });

  it('keeps /metrics small however many long channel names clients send', async () => {
    for (let i = 0; i < 60; i++) {
      await server.client.decide({ customer_id: `m${i}`, trigger: 't', candidates: [{ id: 'a', channel: `${'c'.repeat(120)}${i}` }] });
    }
    const text = await (await fetch(`http://127.0.0.1:${server.running.metricsServer.port}/metrics`)).text();
    for (const line of text.split('\n')) expect(line.length).toBeLessThan(400);
    expect(text).not.toContain('c'.repeat(100));
  });

  it('rejects invalid UTF-8 in ids instead of merging two customers into one', async () => {
    const raw = new grpc.Client(address, grpc.credentials.createInsecure());
    const decideRaw = (customer: Buffer) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        const body = Buffer.concat([stringField(1, customer), stringField(2, Buffer.from('cart_abandoned'))]);
        raw.makeUnaryRequest(
          '/tact.v1.DecisionService/Decide',
          (b: Buffer) => b,
          (b: Buffer) => b,
          body,
          { deadline: Date.now() + 5000 },
          (err) => resolve(err),
        );
      });
    for (const bytes of [Buffer.from([0x61, 0xff]), Buffer.from([0x61, 0xfe]), Buffer.from([0x61, 0xed, 0xa0, 0x80])]) {
      const err = await decideRaw(bytes);
      expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err?.details).toMatch(/^customer_id: /);
    }
    // Valid multi-byte UTF-8 is an ordinary id.
    expect(await decideRaw(Buffer.from('kundé-😀', 'utf8'))).toBeNull();
    raw.close();
  });
});
