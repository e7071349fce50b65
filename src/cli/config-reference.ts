import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENV, FLAG_KEY, FLAGS, configSchema, type TactConfig } from '../config.js';

/**
 * One description of every server setting, read from the config schema itself
 * (src/config.ts): its fields and zod defaults, the one table of flags and
 * environment variables the parser uses (SETTING_SOURCES), and each field's
 * TSDoc. `tact serve --help` and
 * docs/configuration.md are both printed from it, so a setting added to the
 * schema shows up in both without anyone editing them, and neither can name a
 * flag the parser does not know.
 */
export interface ConfigOption {
  /** Field name, also the key in a --config YAML file. */
  readonly key: keyof TactConfig;
  /** Command-line flag, e.g. "--listen"; absent when the setting has none. */
  readonly flag?: string;
  /** True for a switch (`--insecure`), false for a flag that takes a value. */
  readonly boolean: boolean;
  /** Environment variable, e.g. "TACT_LISTEN". */
  readonly env?: string;
  /** The default as documented (TSDoc @defaultValue) or as the schema fills it in; absent = unset. */
  readonly defaultValue?: string;
  /** The TSDoc text without the flag, env and default parts. */
  readonly description: string;
}

export function configReference(): ConfigOption[] {
  const docs = fieldDocs(configSource());
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const flagOf = invert(FLAG_KEY);
  const envOf = invert(ENV);
  return Object.keys(configSchema.shape).map((name) => {
    const key = name as keyof TactConfig;
    const doc = docs.get(name) ?? '';
    const flagName = flagOf.get(key);
    const env = envOf.get(key);
    const documented = /@defaultValue\s+(.*)$/.exec(doc)?.[1]?.trim().replace(/^"(.*)"$/, '$1');
    const filled = defaults[name];
    const defaultValue = documented ?? (filled === undefined ? undefined : typeof filled === 'string' ? filled : JSON.stringify(filled));
    const description = doc
      .replace(/@defaultValue\s+.*$/, '')
      .replace(/\s+([.,])/g, '$1')
      .trim()
      .replace(/[.,]$/, '');
    return {
      key,
      ...(flagName ? { flag: `--${flagName}` } : {}),
      boolean: flagName !== undefined && FLAGS[flagName]?.type === 'boolean',
      ...(env ? { env } : {}),
      ...(defaultValue !== undefined ? { defaultValue } : {}),
      description,
    };
  });
}

/** `tact serve --help`: every setting with its flag, environment variable and default. */
export function serveUsage(options: readonly ConfigOption[] = configReference()): string {
  const lines = [
    'usage: tact serve [--config FILE] [flags]',
    '',
    'Serves tact.v1.DecisionService (gRPC, with health and reflection) and',
    'Prometheus /metrics. Sources, later wins: defaults < --config FILE (YAML,',
    'keys as below) < environment < flags. Every path is checked before serving.',
    '',
    'Flags:',
    '  --config FILE',
    '      YAML mapping of settings (keys as in [brackets] below)',
  ];
  const entry = (o: ConfigOption, head: string): void => {
    lines.push(`  ${head}`);
    if (o.description) lines.push(`      ${o.description}`);
    const facts = [`[${o.key}]`, o.env ? `env ${o.env}` : '', `default: ${o.defaultValue ?? 'unset'}`].filter(Boolean);
    lines.push(`      ${facts.join('  ')}`);
  };
  for (const o of options) if (o.flag) entry(o, o.boolean ? o.flag : `${o.flag} ${valueName(o)}`);
  lines.push('', 'Settings without a flag (environment or --config only):');
  for (const o of options) if (!o.flag) entry(o, o.env ?? o.key);
  lines.push('', 'Full reference: docs/configuration.md');
  return lines.join('\n');
}

function valueName(o: ConfigOption): string {
  if (/listen/i.test(o.key)) return 'HOST:PORT';
  if (/Ms$/.test(o.key)) return 'MS';
  if (/(File|Log|catalog|policies|Cert|Key|Ca|Tokens|Jwks)$/.test(o.key)) return 'PATH';
  if (/Url$/.test(o.key)) return 'URL';
  return 'VALUE';
}

/** The config module's own text: src/config.ts under tsx, dist/src/config.js compiled (tsc keeps the comments). */
function configSource(): string {
  for (const file of ['../config.ts', '../config.js']) {
    const url = new URL(file, import.meta.url);
    if (existsSync(url)) return readFileSync(fileURLToPath(url), 'utf8');
  }
  return '';
}

/** Field name -> its TSDoc comment, collapsed to one line, from the configSchema object. */
function fieldDocs(source: string): Map<string, string> {
  const start = source.indexOf('configSchema = z.object(');
  const text = start < 0 ? '' : source.slice(start);
  const docs = new Map<string, string>();
  for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(\w+):/g)) {
    const name = m[2] ?? '';
    if (!docs.has(name)) docs.set(name, (m[1] ?? '').replace(/\n\s*\*/g, ' ').replace(/\s+/g, ' ').trim());
  }
  return docs;
}

function invert<K extends string>(table: Record<string, K>): Map<K, string> {
  const out = new Map<K, string>();
  for (const [name, key] of Object.entries(table)) if (!out.has(key)) out.set(key, name);
  return out;
}
