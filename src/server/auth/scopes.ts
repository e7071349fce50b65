/**
 * What each caller may do. A scope is granted per token (or JWT claim) and
 * checked per RPC before any work; see docs/security.md for the matrix.
 */
export const SCOPES = ['decide', 'reward', 'events', 'forget', 'explain', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What a method needs: a scope; `authenticated` (any known caller:
 * reflection, which only describes the public proto); `open` (health checks,
 * which load balancers and kubelets make without credentials).
 */
export type Requirement = Scope | 'authenticated' | 'open';

const DECISION = '/tact.v1.DecisionService/';

const BY_METHOD: Readonly<Record<string, Requirement>> = {
  [`${DECISION}Decide`]: 'decide',
  [`${DECISION}Reward`]: 'reward',
  [`${DECISION}RewardStream`]: 'reward',
  [`${DECISION}RecordEvent`]: 'events',
  [`${DECISION}SetConsent`]: 'events',
  [`${DECISION}ForgetCustomer`]: 'forget',
};

/**
 * The requirement of a method path ("/package.Service/Method"). A method not
 * listed needs `admin`: a service added later (campaigns, journeys) is closed
 * until someone decides who may call it.
 */
export function requirementOf(path: string): Requirement {
  const listed = BY_METHOD[path];
  if (listed) return listed;
  if (path.startsWith('/grpc.health.v1.Health/')) return 'open';
  if (path.startsWith('/grpc.reflection.')) return 'authenticated';
  return 'admin';
}

/**
 * A scope the request's content adds: `explain` on Decide with explain=true,
 * because the explanation shows the customer's consent, tickets and reachability.
 */
export function extraScopeOf(path: string, message: unknown): Scope | undefined {
  if (path === `${DECISION}Decide` && (message as { explain?: unknown } | null)?.explain === true) return 'explain';
  return undefined;
}

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}
