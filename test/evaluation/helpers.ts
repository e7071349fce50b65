import { features } from '../../src/domain/features.js';
import type { LoggedData, LoggedRound } from '../../src/evaluation/logged-data.js';

/** A round over the given action ids with a context-free feature set. */
export function round(
  actionIds: readonly string[],
  chosen: string,
  propensity: number,
  reward: number,
  context: Record<string, string> = {},
): LoggedRound {
  const i = actionIds.indexOf(chosen);
  if (i < 0) throw new Error(`${chosen} not in ${actionIds.join(',')}`);
  return {
    id: `r${Math.random().toString(36).slice(2, 8)}`,
    at: 0,
    context: features({}, context),
    actionIds,
    actionFeatures: actionIds.map(() => features()),
    chosen: i,
    propensity,
    reward,
  };
}

export const logOf = (rounds: LoggedRound[]): LoggedData => ({ source: 'test', rounds, skipped: {} });
