import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_DIR } from '../../src/core/paths.js';
import { loadPolicies, parsePolicies } from '../../src/policies/load-policies.js';
import { PolicySet } from '../../src/policies/policy-set.js';
import { loadConfig } from '../../src/config.js';

describe('policies file', () => {
  it('loads the sample file into running policies', () => {
    const set = PolicySet.fromConfig(loadPolicies(path.join(MODELS_DIR, 'policies.yaml')));
    expect(set.all().map((p) => p.name)).toEqual(['default', 'thompson-drift', 'squarecb']);
    expect(set.get().name).toBe('default');
    expect(set.get('squarecb').learner.kind).toBe('sgd');
    expect(set.get('thompson-drift').config.learner).toMatchObject({ forgetting: 0.999 });
  });

  it('names the offending path in errors', () => {
    expect(() => parsePolicies('policies: [{ name: a, exploration: { kind: ucb, alpha: -1 } }]', 'p.yaml')).toThrow(
      /p\.yaml: policies\[0\]\.exploration\.alpha/,
    );
    expect(() => parsePolicies('policies: [{ name: a }, { name: a }]', 'p.yaml')).toThrow(/duplicate policy name "a"/);
    expect(() => parsePolicies('default: b\npolicies: [{ name: a }]', 'p.yaml')).toThrow(/default "b"/);
  });
});

describe('configuration', () => {
  it('layers defaults < env < flags', () => {
    const c = loadConfig(['--listen', '127.0.0.1:50061'], { TACT_LISTEN: '0.0.0.0:1', TACT_SEED: '9' });
    expect(c.listen).toBe('127.0.0.1:50061');
    expect(c.seed).toBe(9);
    expect(c.metricsListen).toBe('127.0.0.1:9464');
  });

  it('rejects bad values with the field named', () => {
    expect(() => loadConfig(['--listen', 'nonsense'], {})).toThrow(/listen: expected HOST:PORT/);
    expect(() => loadConfig(['--bogus'], {})).toThrow(/bogus/);
  });
});
