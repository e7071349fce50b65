import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import type { ListPoliciesResponse__Output } from '../server/generated/tact/v1/ListPoliciesResponse.js';
import type { PromoteResponse__Output } from '../server/generated/tact/v1/PromoteResponse.js';
import { loadTactProto } from '../server/proto.js';
import { parseNumber, processIo, runCommand, UsageError, type CommandIo } from './command.js';

export const PROMOTE_USAGE = `usage: tact promote NAME [--target HOST:PORT]
       tact promote --rollback [--target HOST:PORT]
       tact promote --list [--target HOST:PORT]

Switches the champion (the policy answering requests that name none) of a running
server without a restart, keeping the previous one for --rollback. --list shows
every policy, the champion, the history and each shadow's live value estimate.
Acts on one server: call every replica of a fleet.

  --target HOST:PORT  the server's admin address, its --admin-listen (default 127.0.0.1:50052, env TACT_TARGET)
  --timeout MS        call deadline (default 5000)
  --tls-ca FILE       connect with TLS, trusting this CA (env TACT_TLS_CA)
  --tls-cert FILE     client certificate for mutual TLS, with --tls-key FILE
  --tls-key FILE      its private key

The bearer token of a caller with the admin scope is read from TACT_TOKEN
(never a flag: command lines are visible to every user of the host).`;

/** `tact promote`: returns the exit code. */
export async function runPromote(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const options = {
    target: { type: 'string' },
    'tls-ca': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    rollback: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    timeout: { type: 'string' },
  } as const;
  return runCommand({ name: 'promote', usage: PROMOTE_USAGE, options, allowPositionals: true }, argv, io, async (parsed) => {
    const v = parsed.values;
    const name = parsed.positionals[0];
    const modes = [name !== undefined, v.rollback === true, v.list === true].filter(Boolean).length;
    if (modes !== 1 || parsed.positionals.length > 1) throw new UsageError('give one policy NAME, or --rollback, or --list');
    const timeout = parseNumber('timeout', v.timeout, (x) => x > 0) ?? 5000;
    const target = v.target ?? io.env?.['TACT_TARGET'] ?? '127.0.0.1:50052';
    const proto = loadTactProto();
    const client = new proto.tact.v1.PolicyAdmin(target, channelCredentials(v, io.env), withToken(io.env?.['TACT_TOKEN']));
    try {
      const deadline = { deadline: Date.now() + timeout };
      if (v.list) {
        io.stdout.write(formatList(await call<ListPoliciesResponse__Output>((cb) => client.ListPolicies({}, deadline, cb))));
      } else {
        const change = await call<PromoteResponse__Output>((cb) =>
          v.rollback ? client.Rollback({}, deadline, cb) : client.Promote({ name: name ?? '' }, deadline, cb),
        );
        io.stdout.write(formatChange(change, v.rollback === true));
      }
    } finally {
      client.close();
    }
  });
}

/** TLS when a CA is given (mutual with a client pair), else plaintext. */
export function channelCredentials(
  v: { 'tls-ca'?: string | undefined; 'tls-cert'?: string | undefined; 'tls-key'?: string | undefined },
  env: CommandIo['env'],
): grpc.ChannelCredentials {
  const ca = v['tls-ca'] ?? env?.['TACT_TLS_CA'];
  if ((v['tls-cert'] === undefined) !== (v['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (!ca) {
    if (v['tls-cert']) throw new UsageError('--tls-cert needs --tls-ca');
    return grpc.credentials.createInsecure();
  }
  const read = (file: string) => readFileSync(file);
  return grpc.credentials.createSsl(read(ca), v['tls-key'] ? read(v['tls-key']) : null, v['tls-cert'] ? read(v['tls-cert']) : null);
}

/** Client options adding `authorization: Bearer <token>` to every call, when a token is set. */
export function withToken(token: string | undefined): grpc.ClientOptions {
  if (!token) return {};
  const interceptor: grpc.Interceptor = (options, next) =>
    new grpc.InterceptingCall(next(options), {
      start(metadata, listener, start) {
        metadata.set('authorization', `Bearer ${token}`);
        start(metadata, listener);
      },
    });
  return { interceptors: [interceptor] };
}

type Callback<T> = (err: grpc.ServiceError | null, res?: T) => void;

/** Promisified unary call; a gRPC error becomes its status details (which name the field). */
export function call<T>(start: (cb: Callback<T>) => unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    start((err, res) => (err || res === undefined ? reject(new Error(err ? `${grpc.status[err.code]}: ${err.details}` : 'empty response')) : resolve(res))),
  );
}

/** Promote and Rollback answer with the same fields (RollbackResponse mirrors PromoteResponse). */
function formatChange(c: PromoteResponse__Output, rollback: boolean): string {
  const verb = rollback ? 'rolled back' : c.previous === c.current ? 'already champion:' : 'promoted';
  const history = c.history.length > 0 ? c.history.join(' -> ') : '(none)';
  return rollback
    ? `${verb}: ${c.previous} -> ${c.current} (rollback history: ${history})\n`
    : `${verb} ${c.current} (previous champion: ${c.previous}; rollback history: ${history})\n`;
}


function formatList(r: ListPoliciesResponse__Output): string {
  const lines = [`champion: ${r.champion}   rollback history: ${r.history.length > 0 ? r.history.join(' -> ') : '(none)'}`];
  lines.push(`${'policy'.padEnd(16)} ${'role'.padEnd(9)} ${'model'.padEnd(22)} ${'learner'.padEnd(13)} ${'explore'.padEnd(15)} live value (SNIPS, 95% CI; champion mean; rounds)`);
  for (const p of r.policies) {
    const role = p.name === r.champion ? 'champion' : p.shadow ? 'shadow' : 'named';
    const live = p.live
      ? `${fmt(p.live.snips)} [${fmt(p.live.snips_low)}, ${fmt(p.live.snips_high)}]; ${fmt(p.live.champion_mean)}; ${p.live.rounds}`
      : '';
    lines.push(`${p.name.padEnd(16)} ${role.padEnd(9)} ${p.model_version.padEnd(22)} ${p.learner.padEnd(13)} ${p.exploration.padEnd(15)} ${live}`);
  }
  return `${lines.join('\n')}\n`;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
