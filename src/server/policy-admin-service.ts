import type { Clock } from '../core/clock.js';
import { invalidArgument } from '../core/errors.js';
import type { PolicySet } from '../policies/policy-set.js';
import { unary } from './decision-service.js';
import type { ListPoliciesResponse } from './generated/tact/v1/ListPoliciesResponse.js';
import type { PolicyAdminHandlers } from './generated/tact/v1/PolicyAdmin.js';
import type { PromoteResponse } from './generated/tact/v1/PromoteResponse.js';
import type { RollbackResponse } from './generated/tact/v1/RollbackResponse.js';

export const POLICY_ADMIN_SERVICE = 'tact.v1.PolicyAdmin';

/** Thin handlers over PolicySet: promote, roll back, list; errors map at the edge like DecisionService's. */
export function policyAdminHandlers(policies: PolicySet, clock: Clock): PolicyAdminHandlers {
  const change = (c: { previous: string; current: string }): PromoteResponse & RollbackResponse => ({ ...c, history: [...policies.history] });
  return {
    Promote: unary(clock, async (req) => {
      if (!req.name) throw invalidArgument('name', 'required');
      return change(policies.promote(req.name));
    }),
    Rollback: unary(clock, async () => change(policies.rollback())),
    ListPolicies: unary(clock, async (): Promise<ListPoliciesResponse> => ({
      champion: policies.defaultName,
      history: [...policies.history],
      policies: policies.all().map((p) => {
        const live = p.liveEstimate();
        return {
          name: p.name,
          model_version: p.modelVersion,
          learner: p.learner.kind,
          exploration: p.config.exploration.kind,
          shadow: p.config.shadow,
          ...(live
            ? {
                live: {
                  rounds: live.rounds,
                  snips: live.snips,
                  snips_low: live.snipsLow,
                  snips_high: live.snipsHigh,
                  ips: live.ips,
                  ips_low: live.ipsLow,
                  ips_high: live.ipsHigh,
                  ess: live.ess,
                  champion_mean: live.championMean,
                },
              }
            : {}),
        };
      }),
    })),
  };
}
