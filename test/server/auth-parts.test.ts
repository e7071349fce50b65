import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/server/auth/rate-limit.js';
import { findCaller, parseTokenFile, sha256 } from '../../src/server/auth/token-file.js';
import { requirementOf } from '../../src/server/auth/scopes.js';

const hex = (t: string) => sha256(t).toString('hex');

describe('token file', () => {
  it('finds the caller by the hash of its token, and nobody for another token', () => {
    const file = parseTokenFile(
      `tokens:\n  - { name: a, sha256: ${hex('ta')}, scopes: [decide] }\n  - { name: b, sha256: ${hex('tb').toUpperCase()}, scopes: [reward, admin] }\n`,
      't.yaml',
    );
    expect(findCaller(file, 'ta')?.name).toBe('a');
    expect([...(findCaller(file, 'tb')?.scopes ?? [])]).toEqual(['reward', 'admin']);
    expect(findCaller(file, 'tc')).toBeUndefined();
    expect(findCaller(file, '')).toBeUndefined();
  });

  it.each([
    [`tokens:\n  - { name: a, sha256: ${hex('x')}, scopes: [root] }\n`, /scopes/],
    [`tokens:\n  - { name: a, sha256: abc, scopes: [decide] }\n`, /64 hex digits/],
    [`tokens:\n  - { name: "a b", sha256: ${hex('x')}, scopes: [decide] }\n`, /name/],
    [`tokens:\n  - { name: a, sha256: ${hex('x')}, scopes: [decide] }\n  - { name: a, sha256: ${hex('y')}, scopes: [decide] }\n`, /listed twice/],
    [`tokens:\n  - { name: a, sha256: ${hex('x')}, scopes: [decide] }\n  - { name: b, sha256: ${hex('x')}, scopes: [decide] }\n`, /reuses/],
    [`tokens:\n  - { name: a, token: plain, scopes: [decide] }\n`, /token|sha256/],
    [`rates:\n  decide: { per_second: 0, burst: 1 }\n`, /per_second/],
  ])('refuses a bad file, naming the problem %#', (text, message) => {
    expect(() => parseTokenFile(text, 't.yaml')).toThrow(message);
  });
});

describe('rate limiter', () => {
  it('spends the burst, refills at the rate, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const limit = [{ key: 'a', spec: { perSecond: 2, burst: 3 } }];
    expect([1, 2, 3].map(() => limiter.take(limit).ok)).toEqual([true, true, true]);
    expect(limiter.take(limit)).toEqual({ ok: false, retryAfterMs: 500, empty: 0 });
    now = 500;
    expect(limiter.take(limit).ok).toBe(true);
    expect(limiter.take(limit).ok).toBe(false);
    now = 10_000; // refills up to the burst, not beyond
    expect([1, 2, 3, 4].map(() => limiter.take(limit).ok)).toEqual([true, true, true, false]);
  });

  it('takes from every bucket or from none', () => {
    const limiter = new RateLimiter(() => 0);
    const caller = { key: 'c', spec: { perSecond: 1, burst: 5 } };
    const scope = { key: 'c/forget', spec: { perSecond: 1, burst: 1 } };
    expect(limiter.take([caller, scope]).ok).toBe(true);
    expect(limiter.take([caller, scope])).toMatchObject({ ok: false, empty: 1 });
    // The refused call took nothing from the caller's own bucket: 4 left.
    expect([1, 2, 3, 4, 5].map(() => limiter.take([caller]).ok)).toEqual([true, true, true, true, false]);
  });
});

describe('scopes', () => {
  it('closes methods nobody listed (new services need admin), leaves health open', () => {
    expect(requirementOf('/tact.v1.CampaignService/StartCampaign')).toBe('admin');
    expect(requirementOf('/grpc.health.v1.Health/Check')).toBe('open');
    expect(requirementOf('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo')).toBe('authenticated');
    expect(requirementOf('/tact.v1.DecisionService/SetConsent')).toBe('events');
  });
});
