import type { ServiceError } from '@grpc/grpc-js';
import type { RewardRequest } from '../../src/server/generated/tact/v1/RewardRequest.js';
import type { RewardStreamResponse__Output } from '../../src/server/generated/tact/v1/RewardStreamResponse.js';
import type { TestClient } from './grpc-client.js';

/** A client-side RewardStream: write rewards, end when done, await the summary. */
export interface OpenRewardStream {
  write(req: RewardRequest): void;
  end(): void;
  /** The server's summary, or the status it failed with. */
  readonly result: Promise<RewardStreamResponse__Output>;
}

export function openRewardStream(client: TestClient, deadlineMs = 60_000): OpenRewardStream {
  let call: ReturnType<TestClient['raw']['RewardStream']> | undefined;
  const result = new Promise<RewardStreamResponse__Output>((resolve, reject) => {
    call = client.raw.RewardStream({ deadline: Date.now() + deadlineMs }, (err: ServiceError | null, res?: RewardStreamResponse__Output) =>
      err || !res ? reject(err) : resolve(res),
    );
  });
  const c = call as NonNullable<typeof call>;
  // Writes after the server answered fail on the client side; the summary already says what was taken.
  c.on('error', () => undefined);
  return { write: (req) => void c.write(req), end: () => c.end(), result };
}
