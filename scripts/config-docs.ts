/**
 * docs/configuration.md from the config schema (src/cli/config-reference.ts:
 * each field, its flag and environment variable as the parser knows them, its
 * default and TSDoc), the same source as `tact serve --help`, so neither can
 * drift. `npm run docs:config` writes it; test/cli/help.test.ts fails when the
 * committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configReference } from '../src/cli/config-reference.js';

export const CONFIGURATION_MD = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

export function configurationDoc(): string {
  const cell = (s: string | undefined): string => (s ? `\`${s}\`` : '');
  const rows = configReference().map(
    (o) => `| \`${o.key}\` | ${cell(o.flag)} | ${cell(o.env)} | ${o.defaultValue === undefined ? 'unset' : cell(o.defaultValue)} | ${o.description.replace(/\|/g, '\\|')}. |`,
  );
  return `# Configuration

Generated from \`src/config.ts\` by \`npm run docs:config\`; do not edit by hand.

Sources, later wins: defaults < \`--config FILE\` (YAML mapping, keys as in the first column) < environment < command-line flags.
Everything is validated at start (zod); an error names the field and exits with status 2, e.g.
\`tact: configuration: metricsListen: expected HOST:PORT\`. Every file a setting names is checked before
anything listens, naming the flag (\`tact: --catalog models/nope.yaml: no such file (set by --catalog or TACT_CATALOG)\`).
\`tact serve --help\` prints this table from the same source.

Units: durations in the name's unit (\`Ms\` = milliseconds), addresses as \`HOST:PORT\` (IPv6 in brackets).

| field (YAML key) | flag | environment | default | meaning |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Policies (learner, exploration, reward window, holdout) live in the policies YAML (\`policies\`), validated by \`src/policies/policy-config.ts\`; the catalog in the catalog YAML, documented at the top of \`models/catalog.yaml\`.

## Operations

- Logs: JSON lines (pino) on **stderr**; stdout is for command output. Customer ids are redacted at \`info\` and above.
- Metrics: Prometheus text on \`http://metricsListen/metrics\`, liveness on \`/healthz\` (503 once shutdown begins). Series: \`src/metrics/definitions.ts\`; dashboard \`deploy/grafana/tact-dashboard.json\`; alerts \`deploy/prometheus/alerts.yml\`.
- SIGTERM/SIGINT: health NOT_SERVING, in-flight calls finish within \`shutdownGraceMs\`, windows already over are closed, the decision log and store are flushed, exit 0.
- Deadlines: a call whose gRPC deadline has passed is answered DEADLINE_EXCEEDED without being computed; Decide checks again before sampling.
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = configurationDoc();
  if (process.argv.includes('--check')) {
    const current = readFileSync(CONFIGURATION_MD, 'utf8');
    if (current !== doc) {
      console.error('docs/configuration.md is out of date: run npm run docs:config');
      process.exit(1);
    }
  } else {
    writeFileSync(CONFIGURATION_MD, doc);
    console.log(`docs/configuration.md: ${doc.split('\n').filter((l) => l.startsWith('| `')).length} settings`);
  }
}
