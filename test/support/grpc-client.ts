import * as grpc from '@grpc/grpc-js';
import { loadTactProto, loadTactDefinition } from '../../src/server/proto.js';
import type { DecisionServiceClient } from '../../src/server/generated/tact/v1/DecisionService.js';
import type { DecideRequest } from '../../src/server/generated/tact/v1/DecideRequest.js';
import type { DecideResponse__Output } from '../../src/server/generated/tact/v1/DecideResponse.js';
import type { RewardRequest } from '../../src/server/generated/tact/v1/RewardRequest.js';
import type { RewardResponse__Output } from '../../src/server/generated/tact/v1/RewardResponse.js';
import type { RecordEventRequest } from '../../src/server/generated/tact/v1/RecordEventRequest.js';
import type { SetConsentRequest } from '../../src/server/generated/tact/v1/SetConsentRequest.js';
import type { ForgetCustomerResponse__Output } from '../../src/server/generated/tact/v1/ForgetCustomerResponse.js';

/** A real gRPC client for tests, with promise wrappers for the unary calls. */
export class TestClient {
  readonly raw: DecisionServiceClient;

  constructor(
    readonly address: string,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    options: grpc.ChannelOptions = {},
  ) {
    const proto = loadTactProto(loadTactDefinition());
    this.raw = new proto.tact.v1.DecisionService(address, credentials, options);
  }

  decide(req: DecideRequest, deadlineMs = 5000): Promise<DecideResponse__Output> {
    return new Promise((resolve, reject) =>
      this.raw.Decide(req, { deadline: Date.now() + deadlineMs }, (err, res) => (err || !res ? reject(err) : resolve(res))),
    );
  }

  reward(req: RewardRequest): Promise<RewardResponse__Output> {
    return new Promise((resolve, reject) =>
      this.raw.Reward(req, { deadline: Date.now() + 5000 }, (err, res) => (err || !res ? reject(err) : resolve(res))),
    );
  }

  recordEvent(req: RecordEventRequest): Promise<void> {
    return new Promise((resolve, reject) =>
      this.raw.RecordEvent(req, { deadline: Date.now() + 5000 }, (err) => (err ? reject(err) : resolve())),
    );
  }

  setConsent(req: SetConsentRequest): Promise<void> {
    return new Promise((resolve, reject) =>
      this.raw.SetConsent(req, { deadline: Date.now() + 5000 }, (err) => (err ? reject(err) : resolve())),
    );
  }

  forgetCustomer(customerId: string): Promise<ForgetCustomerResponse__Output> {
    return new Promise((resolve, reject) =>
      this.raw.ForgetCustomer({ customer_id: customerId }, { deadline: Date.now() + 5000 }, (err, res) =>
        err || !res ? reject(err) : resolve(res),
      ),
    );
  }

  close(): void {
    this.raw.close();
  }
}

/** The gRPC error a call failed with (fails the test if it succeeded). */
export async function grpcError(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}
