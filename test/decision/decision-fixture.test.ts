import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, runDecisionSequence } from './decision-sequence.js';

/**
 * Behaviour unchanged: the recorded sequence must give exactly the recorded
 * answers. Numbers are compared as JSON writes them (shortest round-trip
 * form), so a difference in the last bit of a probability fails.
 *
 * To re-record after an intended change of learner or exploration maths:
 *   TACT_RECORD_FIXTURE=1 npx vitest run test/decision/decision-fixture.test.ts
 * and give the reason in the commit message.
 */
const TRACE = path.join(FIXTURE_DIR, 'trace.json.gz');

describe('recorded decisions', () => {
  it('the same seeds, clock and calls give the same decisions, probabilities and scores', async () => {
    const trace = JSON.stringify(await runDecisionSequence(), null, 1);
    if (process.env.TACT_RECORD_FIXTURE === '1') {
      writeFileSync(TRACE, gzipSync(trace, { level: 9 }));
    }
    const recorded = gunzipSync(readFileSync(TRACE)).toString('utf8');
    // Line by line, so a failure names the first differing field instead of a 1 MB blob.
    const got = trace.split('\n');
    const want = recorded.split('\n');
    const first = got.findIndex((line, i) => line !== want[i]);
    expect(first === -1 ? undefined : { line: first, got: got.slice(Math.max(0, first - 3), first + 3), want: want.slice(Math.max(0, first - 3), first + 3) }).toBeUndefined();
    expect(got.length).toBe(want.length);
  });
});
