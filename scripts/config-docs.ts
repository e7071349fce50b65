/**
 * docs/configuration.md from src/config.ts: each field's TSDoc comment
 * (flag, env, unit, @defaultValue) and its zod default, so the document
 * cannot drift from the schema. `npm run docs:config`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configSchema } from '../src/config.js';

const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
const schemaText = source.slice(source.indexOf('export const configSchema'), source.indexOf('export type TactConfig'));
const defaults = configSchema.parse({}) as Record<string, unknown>;
const rows: string[] = [];
for (const m of schemaText.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(\w+):\s*([^\n]+)/g)) {
  const doc = (m[1] ?? '').replace(/\n\s*\*/g, ' ').replace(/\s+/g, ' ').trim();
  const name = m[2] as string;
  const flag = /Flag (--[\w-]+)/.exec(doc)?.[1] ?? '';
  const env = /[Ee]nv ([A-Z_]+)/.exec(doc)?.[1] ?? '';
  const text = doc
    .replace(/Flag --[\w-]+,?\s*/, '')
    .replace(/[Ee]nv [A-Z_]+\.?\s*/, '')
    .replace(/@defaultValue\s+.*$/, '')
    .trim();
  const documented = /@defaultValue\s+(.*)$/.exec(doc)?.[1]?.trim();
  const def = documented ? `\`${documented.replace(/^"(.*)"$/, '$1')}\`` : name in defaults && defaults[name] !== undefined ? `\`${JSON.stringify(defaults[name])}\`` : 'unset';
  rows.push(`| \`${name}\` | ${flag ? `\`${flag}\`` : ''} | ${env ? `\`${env}\`` : ''} | ${def} | ${text.replace(/\|/g, '\\|')} |`);
}
const doc = `# Configuration

Generated from \`src/config.ts\` by \`npm run docs:config\`; do not edit by hand.

Sources, later wins: defaults < \`--config FILE\` (YAML mapping, keys as in the first column) < environment < command-line flags.
Everything is validated at start (zod); an error names the field and exits with status 2, e.g.
\`tact: configuration: metricsListen: expected HOST:PORT\`.

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
writeFileSync(new URL('../docs/configuration.md', import.meta.url), doc);
console.log(`docs/configuration.md: ${rows.length} fields`);
