import * as grpc from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPromote } from '../../src/cli/promote.js';
import { serve, type RunningTact } from '../../src/cli/serve.js';
import { memoryIo } from '../cli/world-log.js';
import { configSchema } from '../../src/config.js';
import { auditCustomerId } from '../../src/server/auth/audit.js';
import { SCOPES, type Scope } from '../../src/server/auth/scopes.js';
import { loadTactProto } from '../../src/server/proto.js';

const sha = (token: string) => createHash('sha256').update(token).digest('hex');
const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'tact';

/** One RPC as the matrix calls it: where, what it needs, a valid request. */
interface Rpc {
  readonly name: string;
  readonly service: 'DecisionService' | 'PolicyAdmin';
  readonly method: string;
  readonly needs: readonly Scope[];
  readonly request: () => object;
  readonly stream?: boolean;
}

type Outcome = { code: grpc.status; details: string; trailers?: grpc.Metadata };

describe('authenticated callers with scopes', () => {
  let dir: string;
  let running: RunningTact;
  let proto: ReturnType<typeof loadTactProto>;
  let decisionId = '';
  const audit: Record<string, unknown>[] = [];
  const clients: grpc.Client[] = [];
  let jwtKey: CryptoKey;
  let strangerKey: CryptoKey;

  /** Token for a caller holding exactly `scopes`: its name is the scopes joined. */
  const tokenOf = (scopes: readonly Scope[]) => `token-${scopes.join('-') || 'none'}`;
  const callerSets: Scope[][] = [
    [...SCOPES],
    ...SCOPES.map((s) => [s]),
    ...SCOPES.map((s) => SCOPES.filter((x) => x !== s)),
    ['decide', 'explain'],
    ['decide'],
  ];

  const rpcs: Rpc[] = [
    { name: 'Decide', service: 'DecisionService', method: 'Decide', needs: ['decide'], request: () => ({ customer_id: 'm1', trigger: 'cart_abandoned' }) },
    {
      name: 'Decide explain=true',
      service: 'DecisionService',
      method: 'Decide',
      needs: ['decide', 'explain'],
      request: () => ({ customer_id: 'm1', trigger: 'cart_abandoned', explain: true }),
    },
    { name: 'Reward', service: 'DecisionService', method: 'Reward', needs: ['reward'], request: () => ({ decision_id: decisionId, value: 1 }) },
    { name: 'RewardStream', service: 'DecisionService', method: 'RewardStream', needs: ['reward'], request: () => ({ decision_id: decisionId, value: 1 }), stream: true },
    { name: 'RecordEvent', service: 'DecisionService', method: 'RecordEvent', needs: ['events'], request: () => ({ customer_id: 'm2', type: 'PURCHASE', item_id: 'i' }) },
    { name: 'SetConsent', service: 'DecisionService', method: 'SetConsent', needs: ['events'], request: () => ({ customer_id: 'm2', channels: { sms: true } }) },
    { name: 'ForgetCustomer', service: 'DecisionService', method: 'ForgetCustomer', needs: ['forget'], request: () => ({ customer_id: 'm3' }) },
    { name: 'ListPolicies', service: 'PolicyAdmin', method: 'ListPolicies', needs: ['admin'], request: () => ({}) },
    { name: 'Promote', service: 'PolicyAdmin', method: 'Promote', needs: ['admin'], request: () => ({ name: 'beta' }) },
    { name: 'Rollback', service: 'PolicyAdmin', method: 'Rollback', needs: ['admin'], request: () => ({}) },
  ];

  const client = (service: Rpc['service']) => {
    const port = service === 'PolicyAdmin' ? running.admin!.port : running.grpc.port;
    const c = new proto.tact.v1[service](`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client;
    clients.push(c);
    return c as unknown as Record<string, (...args: unknown[]) => unknown>;
  };

  const call = (rpc: Rpc, authorization: string | undefined): Promise<Outcome> => {
    const md = new grpc.Metadata();
    if (authorization !== undefined) md.set('authorization', authorization);
    const c = client(rpc.service);
    return new Promise((resolve) => {
      let trailers: grpc.Metadata | undefined;
      const done = (err: grpc.ServiceError | null) =>
        resolve(err ? { code: err.code, details: err.details, ...(err.metadata ? { trailers: err.metadata } : {}) } : { code: grpc.status.OK, details: '', ...(trailers ? { trailers } : {}) });
      const options = { deadline: Date.now() + 10_000 };
      if (rpc.stream) {
        const s = c[rpc.method]!(md, options, done) as grpc.ClientWritableStream<object>;
        s.write(rpc.request());
        s.end();
      } else {
        c[rpc.method]!(rpc.request(), md, options, done);
      }
    });
  };
  const bearer = (token: string) => `Bearer ${token}`;

  const jwt = (claims: Record<string, unknown>, opts: { key?: CryptoKey; audience?: string; expires?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: opts.key === strangerKey ? 'stranger' : 'k1' })
      .setIssuer(ISSUER)
      .setAudience(opts.audience ?? AUDIENCE)
      .setSubject('svc-42')
      .setIssuedAt()
      .setExpirationTime(opts.expires ?? Math.floor(Date.now() / 1000) + 600)
      .sign(opts.key ?? jwtKey);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tact-auth-'));
    const tokens = path.join(dir, 'tokens.yaml');
    const seen = new Set<string>();
    const entries = callerSets
      .filter((s) => (seen.has(tokenOf(s)) ? false : (seen.add(tokenOf(s)), true)))
      .map((s) => `  - { name: ${tokenOf(s)}, sha256: ${sha(tokenOf(s))}, scopes: [${s.join(', ')}] }`);
    entries.push(`  - { name: limited, sha256: ${sha('limited')}, scopes: [decide], rate: { per_second: 0.001, burst: 2 } }`);
    entries.push(`  - { name: neighbour, sha256: ${sha('neighbour')}, scopes: [decide, forget], rate: { per_second: 0.001, burst: 10 } }`);
    writeFileSync(tokens, `tokens:\n${entries.join('\n')}\nrates:\n  forget: { per_second: 0.001, burst: 1 }\n`);

    const pair = await generateKeyPair('ES256');
    jwtKey = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    const jwks = path.join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));

    const policies = path.join(dir, 'policies.yaml');
    writeFileSync(policies, 'default: alpha\npolicies:\n  - name: alpha\n  - name: beta\n');

    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n')) if (line.includes('"audit":true')) audit.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      metricsListen: '127.0.0.1:0',
      adminListen: '127.0.0.1:0',
      // Quieter than info: audit lines must come anyway, and no per-RPC debug lines.
      logLevel: 'warn',
      seed: 3,
      policies,
      authTokens: tokens,
      authJwks: jwks,
      authJwtIssuer: ISSUER,
      authJwtAudience: AUDIENCE,
    });
    running = await serve(config, { logger: pino({ level: 'warn' }, sink) });
    proto = loadTactProto();
    const decided = await new Promise<{ decision_id: string }>((resolve, reject) => {
      const md = new grpc.Metadata();
      md.set('authorization', bearer(tokenOf([...SCOPES])));
      client('DecisionService')['Decide']!({ customer_id: 'm0', trigger: 'cart_abandoned' }, md, (err: Error | null, res: { decision_id: string }) =>
        err ? reject(err) : resolve(res),
      );
    });
    decisionId = decided.decision_id;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every RPC x {no token, wrong token, token without the scope, token with it} gives the right code', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const rpc of rpcs) {
      const missing = rpc.needs[rpc.needs.length - 1]!;
      const without = SCOPES.filter((s) => s !== missing);
      const cases: [string, string | undefined, grpc.status][] = [
        ['no token', undefined, grpc.status.UNAUTHENTICATED],
        ['wrong token', bearer('not-a-known-token'), grpc.status.UNAUTHENTICATED],
        [`token without "${missing}"`, bearer(tokenOf(without)), grpc.status.PERMISSION_DENIED],
        ['token with it', bearer(tokenOf([...rpc.needs])), grpc.status.OK],
      ];
      for (const [label, auth, code] of cases) {
        const outcome = await call(rpc, auth);
        got.push(`${rpc.name} / ${label}: ${grpc.status[outcome.code]}`);
        want.push(`${rpc.name} / ${label}: ${grpc.status[code]}`);
        if (code === grpc.status.PERMISSION_DENIED) expect(outcome.details).toContain(`lacks scope "${missing}"`);
      }
    }
    expect(got).toEqual(want);
  });

  it('rejects a token that is not a Bearer token, and PolicyAdmin on the data port even with the admin scope', async () => {
    const list = rpcs.find((r) => r.name === 'ListPolicies')!;
    expect((await call(rpcs[0]!, `Basic ${tokenOf([...SCOPES])}`)).code).toBe(grpc.status.UNAUTHENTICATED);
    const md = new grpc.Metadata();
    md.set('authorization', bearer(tokenOf([...SCOPES])));
    const dataPortAdmin = new proto.tact.v1.PolicyAdmin(`127.0.0.1:${running.grpc.port}`, grpc.credentials.createInsecure());
    clients.push(dataPortAdmin as unknown as grpc.Client);
    const err = await new Promise<grpc.ServiceError | null>((resolve) => dataPortAdmin.ListPolicies(list.request(), md, (e) => resolve(e)));
    expect(err?.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it("request_id and event_id are matched per caller: one caller's ids never return or block another's", async () => {
    const decideAs = async (token: string) => {
      const c = client('DecisionService');
      const md = new grpc.Metadata();
      md.set('authorization', bearer(token));
      return new Promise<{ decision_id: string }>((resolve, reject) =>
        c['Decide']!({ customer_id: 'shared', trigger: 'cart_abandoned', request_id: 'r-1' }, md, (err: Error | null, res: { decision_id: string }) =>
          err ? reject(err) : resolve(res),
        ),
      );
    };
    const mine = await decideAs(tokenOf(['decide']));
    const theirs = await decideAs(tokenOf(['decide', 'explain']));
    expect(theirs.decision_id).not.toBe(mine.decision_id);
    expect((await decideAs(tokenOf(['decide']))).decision_id).toBe(mine.decision_id);

    const rewardAs = async (token: string) => {
      const c = client('DecisionService');
      const md = new grpc.Metadata();
      md.set('authorization', bearer(token));
      return new Promise<string>((resolve, reject) =>
        c['Reward']!({ decision_id: mine.decision_id, value: 1, event_id: 'e-1' }, md, (err: Error | null, res: { status: string }) =>
          err ? reject(err) : resolve(res.status),
        ),
      );
    };
    expect(await rewardAs(tokenOf(['reward']))).toBe('JOINED');
    expect(await rewardAs(tokenOf(['reward']))).toBe('DUPLICATE');
    expect(await rewardAs(tokenOf([...SCOPES]))).toBe('JOINED');
  });

  it('tact promote sends the token from TACT_TOKEN', async () => {
    const target = `127.0.0.1:${running.admin!.port}`;
    const withToken = memoryIo();
    withToken.io.env['TACT_TOKEN'] = tokenOf(['admin']);
    expect(await runPromote(['--list', '--target', target], withToken.io)).toBe(0);
    expect(withToken.out()).toContain('champion:');
    const without = memoryIo();
    expect(await runPromote(['--list', '--target', target], without.io)).toBe(1);
    expect(without.err()).toContain('UNAUTHENTICATED');
  });

  it('accepts JWTs from the JWKS with the right issuer and audience; refuses expired, wrong audience, foreign key', async () => {
    const decide = rpcs[0]!;
    expect((await call(decide, bearer(await jwt({ scope: 'decide reward' })))).code).toBe(grpc.status.OK);
    const expired = await call(decide, bearer(await jwt({ scope: 'decide' }, { expires: Math.floor(Date.now() / 1000) - 3600 })));
    expect(expired).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: expect.stringContaining('JWT expired') });
    const audience = await call(decide, bearer(await jwt({ scope: 'decide' }, { audience: 'someone-else' })));
    expect(audience).toMatchObject({ code: grpc.status.UNAUTHENTICATED, details: expect.stringContaining('"aud"') });
    const foreign = await call(decide, bearer(await jwt({ scope: 'decide' }, { key: strangerKey })));
    expect(foreign.code).toBe(grpc.status.UNAUTHENTICATED);
    const unscoped = await call(decide, bearer(await jwt({ scope: 'reward' })));
    expect(unscoped).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining('"jwt:svc-42" lacks scope "decide"') });
  });

  it('a caller over its budget gets RESOURCE_EXHAUSTED with a retry hint; another caller is unaffected', async () => {
    const decide = rpcs[0]!;
    expect((await call(decide, bearer('limited'))).code).toBe(grpc.status.OK);
    expect((await call(decide, bearer('limited'))).code).toBe(grpc.status.OK);
    const over = await call(decide, bearer('limited'));
    expect(over.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(over.details).toMatch(/caller "limited" is over its rate limit; retry after \d+ ms/);
    expect(Number(over.trailers?.get('grpc-retry-pushback-ms')[0])).toBeGreaterThan(0);
    // The neighbour's own budget is untouched by the limited caller's calls.
    expect((await call(decide, bearer('neighbour'))).code).toBe(grpc.status.OK);
    expect((await call(decide, bearer('neighbour'))).code).toBe(grpc.status.OK);
    // A per-scope budget (rates: forget, burst 1) holds per caller too.
    const forget = rpcs.find((r) => r.name === 'ForgetCustomer')!;
    expect((await call(forget, bearer('neighbour'))).code).toBe(grpc.status.OK);
    expect(await call(forget, bearer('neighbour'))).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: expect.stringContaining('caller "neighbour" is over the rate limit of scope "forget"'),
    });
    const metrics = await running.metrics.scrape();
    expect(metrics).toContain('tact_caller_requests_total{caller="limited",outcome="rate_limited"} 1');
    expect(metrics).toContain('tact_caller_requests_total{caller="neighbour",outcome="ok"} 3');
    expect(metrics).toContain('tact_caller_requests_total{caller="jwt",outcome="ok"}');
  });

  it('writes one audit line per admin call and ForgetCustomer, with the caller, outcome and hashed customer id', async () => {
    await running.tact.logger.flush();
    const forgets = audit.filter((a) => a['call'] === 'tact.v1.DecisionService/ForgetCustomer');
    expect(forgets).toContainEqual(
      expect.objectContaining({ level: 30, caller: 'token-forget', outcome: 'OK', customer: auditCustomerId('m3') }),
    );
    expect(forgets).toContainEqual(expect.objectContaining({ caller: 'anonymous', outcome: 'UNAUTHENTICATED' }));
    expect(JSON.stringify(audit)).not.toContain('"m3"');
    const promotes = audit.filter((a) => a['call'] === 'tact.v1.PolicyAdmin/Promote');
    expect(promotes).toContainEqual(expect.objectContaining({ caller: 'token-admin', outcome: 'OK', name: 'beta' }));
    expect(promotes).toContainEqual(expect.objectContaining({ caller: 'token-decide-reward-events-forget-explain', outcome: 'PERMISSION_DENIED' }));
    // Decisions are not audited, and nothing but audit lines came out below warn.
    expect(audit.some((a) => a['call'] === 'tact.v1.DecisionService/Decide')).toBe(false);
  });
});
