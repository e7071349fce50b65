/**
 * Layer rules for src/, checked in `npm test` (docs/architecture.md draws
 * them). Dependencies point inward: the transport (server), the adapters
 * (store/memory, store/redis), fleet composition, metrics and the tools (cli,
 * simulate) depend on the engine and its interfaces, never the reverse.
 */
const ENGINE = '^src/(core|domain|catalog|rules|features|learners|explore|decision|feedback|policies|evaluation)/|^src/store/store\\.ts$';
const OUTER = '^src/(server|cli|fleet|metrics|simulate)/|^src/main\\.ts$|^src/store/(memory|redis)/';
const TRANSPORT_AND_IO_LIBS = '(^|/)node_modules/(@grpc/|grpc-health-check|ioredis|bullmq)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other in a circle cannot be read or tested alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Folders that depend on each other in a circle (invisible to a file-level check).',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-a-leaf',
      severity: 'error',
      comment: 'src/core (clock, random, hash, errors, logger) is used by everything and uses nothing of ours.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'domain-is-a-leaf',
      severity: 'error',
      comment: 'src/domain is the shared vocabulary (candidate, choice, removal, decision, customer state, features): it depends on nothing but core.',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain|core)/' },
    },
    {
      name: 'engine-depends-inward',
      severity: 'error',
      comment: 'The engine and its interfaces never import the transport, an adapter, fleet composition, metrics, tools or the composition root.',
      from: { path: ENGINE },
      to: { path: OUTER },
    },
    {
      name: 'engine-free-of-transport-and-redis',
      severity: 'error',
      comment: 'Only the server and the Redis adapter talk gRPC or Redis.',
      from: { path: ENGINE },
      to: { path: TRANSPORT_AND_IO_LIBS },
    },
    {
      name: 'rules-are-pure',
      severity: 'error',
      comment: 'Eligibility rules read loaded customer state; they never reach the store.',
      from: { path: '^src/rules/', pathNot: '^src/rules/rule-eligibility\\.ts$' },
      to: { path: '^src/store/' },
    },
    {
      name: 'adapters-depend-inward',
      severity: 'error',
      comment: 'Store adapters implement src/store/store.ts; they know nothing of transport, fleet or tools.',
      from: { path: '^src/store/(memory|redis)/' },
      to: { path: '^src/(server|cli|fleet|metrics|simulate)/|^src/main\\.ts$' },
    },
    {
      name: 'adapters-independent',
      severity: 'error',
      comment: 'The memory and Redis adapters do not use each other.',
      from: { path: '^src/store/(memory|redis)/' },
      to: { path: '^src/store/(memory|redis)/', pathNot: '^src/store/$1/' },
    },
    {
      name: 'server-is-transport-only',
      severity: 'error',
      comment: 'The gRPC server maps requests onto the engine; it does not pick adapters or compose the fleet.',
      from: { path: '^src/server/' },
      to: { path: '^src/(store/(memory|redis)|fleet|cli|simulate)/|^src/main\\.ts$' },
    },
    {
      name: 'journeys-depend-inward',
      severity: 'error',
      comment: 'Triggers, delivery, their job queues, segments and campaigns call the engine through the decide function they are given; they never reach the transport, tools or the composition root.',
      from: { path: '^src/(triggers|delivery|jobs|segments|campaigns)/' },
      to: { path: '^src/(server|cli|fleet|simulate)/|^src/main\\.ts$' },
    },
    {
      name: 'fleet-is-not-transport',
      severity: 'error',
      comment: 'Fleet composition learns of availability by a callback; it never imports the server.',
      from: { path: '^src/fleet/' },
      to: { path: '^src/(server|cli)/|(^|/)node_modules/(@grpc/|grpc-health-check)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
