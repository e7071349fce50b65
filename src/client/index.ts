/**
 * `import { TactClient } from 'tact/client'`: a typed client for backend
 * services calling Tact over gRPC.
 *
 * - Requests and responses are the proto's types (snake_case fields, numbers
 *   for 64-bit integers, enum names as strings), not `any`.
 * - Every call has a deadline (Decide 1 s, others 5 s by default); the first
 *   call on a cold channel may spend part of it connecting.
 * - Only calls that are safe to repeat are retried: Decide with a
 *   request_id, Reward with an event_id (the server deduplicates both) and
 *   ForgetCustomer (idempotent). They are retried on UNAVAILABLE and
 *   RESOURCE_EXHAUSTED, after the delay the server asks for (RetryInfo) or
 *   an exponential backoff with jitter.
 * - Errors are TactRequestError: the gRPC code, the readable message, and
 *   the rich details the server sends (field violations, reason, retry delay).
 */
import * as grpc from '@grpc/grpc-js';
import { loadTactDefinition, loadTactProto } from '../server/proto.js';
import { decodeStatus, STATUS_DETAILS_KEY, type FieldViolation } from '../server/status-details.js';
import type { DecideRequest } from '../server/generated/tact/v1/DecideRequest.js';
import type { DecideResponse__Output } from '../server/generated/tact/v1/DecideResponse.js';
import type { DecisionServiceClient } from '../server/generated/tact/v1/DecisionService.js';
import type { ForgetCustomerRequest } from '../server/generated/tact/v1/ForgetCustomerRequest.js';
import type { ForgetCustomerResponse__Output } from '../server/generated/tact/v1/ForgetCustomerResponse.js';
import type { RecordEventRequest } from '../server/generated/tact/v1/RecordEventRequest.js';
import type { RewardRequest } from '../server/generated/tact/v1/RewardRequest.js';
import type { RewardResponse__Output } from '../server/generated/tact/v1/RewardResponse.js';
import type { RewardStreamResponse__Output } from '../server/generated/tact/v1/RewardStreamResponse.js';
import type { SetConsentRequest } from '../server/generated/tact/v1/SetConsentRequest.js';

export type { DecideRequest, RecordEventRequest, RewardRequest, SetConsentRequest, ForgetCustomerRequest, FieldViolation };
export type DecideResponse = DecideResponse__Output;
export type Choice = DecideResponse__Output['choices'][number];
export type RewardResponse = RewardResponse__Output;
export type RewardStreamResponse = RewardStreamResponse__Output;
export type ForgetCustomerResponse = ForgetCustomerResponse__Output;

export interface TactClientOptions {
  /** "host:port" of a Tact server. */
  readonly address: string;
  /**
   * TLS to the server: true for the system's roots, or PEM buffers. A client
   * certificate (certChain + privateKey) is for servers that require mutual TLS.
   * Unset means plaintext (local development only).
   */
  readonly tls?: true | { readonly rootCerts?: Buffer; readonly certChain?: Buffer; readonly privateKey?: Buffer; readonly serverName?: string };
  /** Bearer token sent as `authorization: Bearer <token>`; a function is asked before every call (rotating tokens). */
  readonly token?: string | (() => string | Promise<string>);
  /** Per-call deadlines, ms. @defaultValue decide 1000, other calls 5000 */
  readonly deadlineMs?: { readonly decide?: number; readonly other?: number };
  /** Attempts for calls that are safe to repeat (1 = no retry). @defaultValue 3 */
  readonly maxAttempts?: number;
  /** First backoff, ms, doubled per attempt, with jitter; a server's RetryInfo wins. @defaultValue 100 */
  readonly backoffMs?: number;
  /** Extra grpc-js channel options. */
  readonly channelOptions?: grpc.ChannelOptions;
}

export interface CallOptions {
  /** This call's deadline, ms from now (overrides the client's default). */
  readonly deadlineMs?: number;
}

/** A failed call: gRPC code, readable message and the server's error details. */
export class TactRequestError extends Error {
  /** Field violations of an INVALID_ARGUMENT (google.rpc.BadRequest). */
  readonly fieldViolations: readonly FieldViolation[];
  /** Stable reason code (google.rpc.ErrorInfo), e.g. "NOT_FOUND". */
  readonly reason?: string;
  /** How long the server asks to wait before retrying (google.rpc.RetryInfo), ms. */
  readonly retryDelayMs?: number;

  constructor(readonly code: grpc.status, readonly details: string, metadata?: grpc.Metadata) {
    super(`${grpc.status[code]}: ${details}`);
    this.name = 'TactRequestError';
    const [bin] = metadata?.get(STATUS_DETAILS_KEY) ?? [];
    const rich = Buffer.isBuffer(bin) ? decodeStatus(bin) : undefined;
    const violations: FieldViolation[] = [];
    for (const d of rich?.details ?? []) {
      if (d.type === 'google.rpc.BadRequest') violations.push(...d.fieldViolations);
      else if (d.type === 'google.rpc.ErrorInfo') this.reason = d.reason;
      else this.retryDelayMs = d.retryDelayMs;
    }
    this.fieldViolations = violations;
  }
}

const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED]);

type Unary<Req, Res> = (req: Req, metadata: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown;

export class TactClient {
  private readonly raw: DecisionServiceClient;
  private readonly decideMs: number;
  private readonly otherMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;

  constructor(private readonly options: TactClientOptions) {
    const proto = loadTactProto(loadTactDefinition());
    const tls = options.tls;
    const credentials =
      tls === undefined
        ? grpc.credentials.createInsecure()
        : tls === true
          ? grpc.credentials.createSsl()
          : grpc.credentials.createSsl(tls.rootCerts ?? null, tls.privateKey ?? null, tls.certChain ?? null);
    const channelOptions: grpc.ChannelOptions = {
      ...(tls !== undefined && tls !== true && tls.serverName ? { 'grpc.ssl_target_name_override': tls.serverName } : {}),
      ...options.channelOptions,
    };
    this.raw = new proto.tact.v1.DecisionService(options.address, credentials, channelOptions);
    this.decideMs = options.deadlineMs?.decide ?? 1000;
    this.otherMs = options.deadlineMs?.other ?? 5000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.backoffMs = options.backoffMs ?? 100;
  }

  /** Connects now instead of on the first call (keeps the first Decide's deadline for deciding). */
  connect(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => this.raw.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  /** Choose the best action(s) for a customer at a trigger. Retried only with a request_id. */
  decide(req: DecideRequest, options?: CallOptions): Promise<DecideResponse> {
    return this.call(this.raw.Decide.bind(this.raw) as Unary<DecideRequest, DecideResponse>, req, options?.deadlineMs ?? this.decideMs, !!req.request_id);
  }

  /** Report an outcome of an earlier decision. Retried only with an event_id. */
  reward(req: RewardRequest, options?: CallOptions): Promise<RewardResponse> {
    return this.call(this.raw.Reward.bind(this.raw) as Unary<RewardRequest, RewardResponse>, req, options?.deadlineMs ?? this.otherMs, !!req.event_id);
  }

  /** Customer activity (cart, purchase, message engagement, tickets, profile). Not retried. */
  async recordEvent(req: RecordEventRequest, options?: CallOptions): Promise<void> {
    await this.call(this.raw.RecordEvent.bind(this.raw) as Unary<RecordEventRequest, object>, req, options?.deadlineMs ?? this.otherMs, false);
  }

  /** Consent, opt-out, preferred channel, time zone, reachability: a patch. Not retried. */
  async setConsent(req: SetConsentRequest, options?: CallOptions): Promise<void> {
    await this.call(this.raw.SetConsent.bind(this.raw) as Unary<SetConsentRequest, object>, req, options?.deadlineMs ?? this.otherMs, false);
  }

  /** Erase everything about a customer. Idempotent, so retried. */
  forgetCustomer(req: ForgetCustomerRequest, options?: CallOptions): Promise<ForgetCustomerResponse> {
    return this.call(this.raw.ForgetCustomer.bind(this.raw) as Unary<ForgetCustomerRequest, ForgetCustomerResponse>, req, options?.deadlineMs ?? this.otherMs, true);
  }

  /** Many rewards on one stream, one summary at the end (a bad reward is counted, not fatal). Not retried. */
  async rewardStream(rewards: Iterable<RewardRequest> | AsyncIterable<RewardRequest>, options?: CallOptions): Promise<RewardStreamResponse> {
    const metadata = await this.metadata();
    return new Promise((resolve, reject) => {
      const stream = this.raw.RewardStream(metadata, { deadline: Date.now() + (options?.deadlineMs ?? 60_000) }, (err, res) =>
        err ? reject(new TactRequestError(err.code, err.details, err.metadata)) : res ? resolve(res) : reject(new Error('empty response')),
      );
      void (async () => {
        try {
          for await (const r of rewards) if (!stream.write(r)) await new Promise((ok) => stream.once('drain', ok));
        } finally {
          stream.end();
        }
      })();
    });
  }

  close(): void {
    this.raw.close();
  }

  private async metadata(): Promise<grpc.Metadata> {
    const metadata = new grpc.Metadata();
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    if (token) metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  }

  private async call<Req, Res>(method: Unary<Req, Res>, req: Req, deadlineMs: number, retryable: boolean): Promise<Res> {
    const attempts = retryable ? this.maxAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      const metadata = await this.metadata();
      try {
        return await new Promise<Res>((resolve, reject) =>
          method(req, metadata, { deadline: Date.now() + deadlineMs }, (err, res) =>
            err ? reject(new TactRequestError(err.code, err.details, err.metadata)) : res !== undefined ? resolve(res) : reject(new Error('empty response')),
          ),
        );
      } catch (err) {
        if (!(err instanceof TactRequestError) || !RETRYABLE.has(err.code) || attempt >= attempts) throw err;
        const backoff = this.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, err.retryDelayMs ?? backoff));
      }
    }
  }
}
