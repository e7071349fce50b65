import { writeFileSync } from 'node:fs';
import { SeededRandom } from '../../src/core/random.js';
import { newDecisionId } from '../../src/decision/decision-id.js';
import type { DecisionLine, LogLine } from '../../src/decision/log-entry.js';
import type { ManualClock } from '../../src/core/clock.js';
import type { Candidate, Decision } from '../../src/domain/decision.js';
import type { Tact } from '../../src/main.js';
import { features } from '../../src/domain/features.js';

/**
 * A known world: three customer segments, four actions, Bernoulli rewards.
 * The best action differs per segment, so a policy must use the context to win.
 */
export const ACTIONS = ['a0', 'a1', 'a2', 'a3'] as const;
export const SEGMENTS = ['x', 'y', 'z'] as const;
export const CLICK: Record<(typeof SEGMENTS)[number], readonly number[]> = {
  x: [0.1, 0.6, 0.2, 0.1],
  y: [0.5, 0.1, 0.1, 0.2],
  z: [0.1, 0.2, 0.1, 0.7],
};
/** Uniform-random policy's value and the best policy's value in this world. */
export const UNIFORM_VALUE = (1.0 + 0.9 + 1.1) / 12;
export const OPTIMAL_VALUE = (0.6 + 0.5 + 0.7) / 3;

/** The world's actions as client candidates (ids only). */
export const WORLD_CANDIDATES: readonly Candidate[] = ACTIONS.map((id) => ({
  id, channel: '', messageId: '', sendSlot: '', sendAt: 0, noSend: false, cost: 0, features: features(),
}));

/**
 * Serve the world through a Tact on a manual clock: a customer of a random
 * segment per round, a click (Reward 1) with the segment's probability for
 * the chosen action, 100 ms between rounds, a sweep every 50. `seen` gets
 * every decision with its segment.
 */
export async function playWorld(
  tact: Tact,
  clock: ManualClock,
  rounds: number,
  seed: number,
  seen: (d: Decision, segment: (typeof SEGMENTS)[number]) => void = () => undefined,
): Promise<void> {
  const rng = new SeededRandom(seed);
  for (let i = 0; i < rounds; i++) {
    const segment = SEGMENTS[Math.floor(rng.next() * SEGMENTS.length)]!;
    const d = await tact.engine.decide({
      customerId: `c${i}`, trigger: 't', context: features({}, { segment }), candidates: WORLD_CANDIDATES, topK: 1, at: clock.now(), explain: false,
    });
    seen(d, segment);
    const a = ACTIONS.indexOf(d.choices[0]!.actionId as (typeof ACTIONS)[number]);
    if (rng.next() < CLICK[segment][a]!) await tact.joiner.reward({ decisionId: d.decisionId, value: 1 });
    clock.advance(100);
    if (i % 50 === 0) await tact.joiner.sweep();
  }
}

export interface WorldLogOptions {
  readonly rounds: number;
  readonly seed: number;
  /** Server time of the first decision, ms. */
  readonly start?: number;
  readonly stepMs?: number;
  readonly windowMs?: number;
  /** Logging PMF over ACTIONS given the segment; default uniform. */
  readonly logging?: (segment: (typeof SEGMENTS)[number]) => readonly number[];
  /** Share of decisions that are control holdout (no send; converts at `holdoutRate`). */
  readonly holdout?: number;
  readonly holdoutRate?: number;
}

/**
 * Lines in the order a server writes them: decisions when made, rewards when
 * they arrive inside the window, the default (0) when the window closes.
 */
export function worldLog(o: WorldLogOptions): LogLine[] {
  const rng = new SeededRandom(o.seed);
  const start = o.start ?? Date.UTC(2025, 0, 1);
  const step = o.stepMs ?? 1000;
  const window = o.windowMs ?? 60_000;
  const events: Array<{ t: number; seq: number; line: LogLine }> = [];
  let seq = 0;
  let idn = 0;
  for (let i = 0; i < o.rounds; i++) {
    const t = start + i * step;
    const segment = SEGMENTS[Math.floor(rng.next() * SEGMENTS.length)]!;
    const decisionId = newDecisionId(t + window, () => (idn++).toString(16).padStart(16, '0'));
    const context = features({ age: 20 + Math.floor(rng.next() * 50) }, { segment });
    const holdout = o.holdout !== undefined && rng.next() < o.holdout;
    if (holdout) {
      const line: DecisionLine = {
        type: 'decision', decisionId, customerId: `c${i}`, policy: 'default', modelVersion: 'default@0', mode: 'online',
        at: t, trigger: 'cart_abandoned', context, candidates: [], chosen: ['__no_send__'], probabilities: [1], holdout: true,
      };
      events.push({ t, seq: seq++, line });
      if (rng.next() < (o.holdoutRate ?? 0)) {
        events.push({ t: t + window / 2, seq: seq++, line: { type: 'outcome', decisionId, actionId: '__no_send__', value: 1, source: 'reward', at: t + window / 2 } });
      }
      continue;
    }
    const pmf = o.logging ? o.logging(segment) : ACTIONS.map(() => 1 / ACTIONS.length);
    let u = rng.next();
    let chosen = ACTIONS.length - 1;
    for (let a = 0; a < ACTIONS.length; a++) {
      u -= pmf[a]!;
      if (u < 0) {
        chosen = a;
        break;
      }
    }
    const line: DecisionLine = {
      type: 'decision', decisionId, customerId: `c${i}`, policy: 'default', modelVersion: 'default@0', mode: 'online',
      at: t, trigger: 'cart_abandoned', context,
      candidates: ACTIONS.map((id, a) => ({ id, channel: 'email', features: features(), probability: pmf[a]!, score: 0 })),
      chosen: [ACTIONS[chosen]!], probabilities: [pmf[chosen]!], holdout: false,
    };
    events.push({ t, seq: seq++, line });
    const clicked = rng.next() < CLICK[segment][chosen]!;
    const actionId = ACTIONS[chosen]!;
    if (clicked) {
      const at = t + Math.floor(rng.next() * (window - 1));
      events.push({ t: at, seq: seq++, line: { type: 'outcome', decisionId, actionId, value: 1, source: 'reward', at } });
    } else {
      const at = t + window + 500;
      events.push({ t: at, seq: seq++, line: { type: 'outcome', decisionId, actionId, value: 0, source: 'default', at } });
    }
  }
  events.sort((p, q) => p.t - q.t || p.seq - q.seq);
  return events.map((e) => e.line);
}

export function writeWorldLog(path: string, o: WorldLogOptions): LogLine[] {
  const lines = worldLog(o);
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return lines;
}

/** Collects what a command writes. */
export function memoryIo(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean }; env: Record<string, string> }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => ((out += s), true) },
      stderr: { write: (s: string) => ((err += s), true) },
      env: { CI: '1' },
    },
    out: () => out,
    err: () => err,
  };
}
