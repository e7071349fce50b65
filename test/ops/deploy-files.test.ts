/**
 * deploy/ against the project. No image is built here (these machines cannot), so the files are
 * parsed and every name in them is checked against its source: variables and flags against
 * src/config.ts's tables, then each container's settings through loadConfig, protected mode and
 * the preflight path check the server itself runs, with container paths mapped back to the repo
 * files the image or a volume puts there; ports against the addresses each container listens on;
 * probe and scrape paths against a running metrics server.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { dispatch } from '../../src/cli/dispatch.js';
import { checkPaths } from '../../src/cli/preflight.js';
import { ENV, FLAGS, loadConfig, type TactConfig } from '../../src/config.js';
import { MODELS_DIR, PROTO_DIR, REPO_ROOT } from '../../src/core/paths.js';
import { startMetricsServer, type RunningMetricsServer } from '../../src/metrics/http-server.js';
import { SERVICE_NAME } from '../../src/server/grpc-server.js';
import { checkProtectedMode } from '../../src/server/protected-mode.js';

const DEPLOY = path.join(REPO_ROOT, 'deploy');
const read = (file: string): string => readFileSync(path.join(DEPLOY, file), 'utf8');
const yamlOf = <T>(file: string): T => parseYaml(read(file), { merge: true }) as T;

// ---- Dockerfile ----------------------------------------------------------------------------

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions of each stage, continuation lines joined, comments dropped. */
function dockerStages(text: string): Instruction[][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const instruction = { op: op!.toUpperCase(), args: rest.join(' ') };
    if (instruction.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const argsOf = (stage: Instruction[], op: string): string[] => stage.filter((i) => i.op === op).map((i) => i.args);
const jsonArray = (args: string): string[] => JSON.parse(args) as string[];

function dockerEnv(stage: Instruction[]): Record<string, string> {
  const pairs = argsOf(stage, 'ENV').flatMap((a) => a.split(/\s+/));
  return Object.fromEntries(pairs.map((p) => p.split('=', 2) as [string, string]));
}

const dockerfile = dockerStages(read('Dockerfile'));
const runtime = dockerfile.at(-1)!;
const workdir = argsOf(runtime, 'WORKDIR').at(-1)!;
/** What the runtime stage copies from the build context: container directory -> repo path. */
const imageFiles = argsOf(runtime, 'COPY')
  .filter((a) => !a.startsWith('--from'))
  .map((a) => {
    const [src, dest] = a.split(/\s+/) as [string, string];
    // As COPY does: into a destination directory (trailing slash) under the source's name.
    const target = dest.endsWith('/') || dest === '.' ? path.posix.join(dest, path.posix.basename(src)) : dest;
    return { src, container: path.posix.resolve(workdir, target) };
  });

// ---- Settings of a Tact container ------------------------------------------------------------

/** A Tact container: its settings as the server will see them and where its files come from. */
interface TactContainer {
  readonly where: string;
  readonly env: Record<string, string>;
  readonly argv: string[];
  /** Container directory -> local directory holding what will be there. */
  readonly mounts: { container: string; local: string }[];
}

const image: TactContainer = {
  where: 'Dockerfile',
  env: dockerEnv(runtime),
  argv: jsonArray(argsOf(runtime, 'CMD').at(-1)!),
  mounts: imageFiles.map((f) => ({ container: f.container, local: path.join(REPO_ROOT, f.src) })),
};
/** Variables of the base image or the runtime, not Tact's. */
const NOT_TACT = new Set(['NODE_ENV']);

function configOf(c: TactContainer): TactConfig {
  const [command, ...flags] = c.argv;
  expect(command, `${c.where}: runs tact serve`).toBe('serve');
  return loadConfig(flags, c.env);
}

const portOf = (hostPort: string): number => Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));

function listenPorts(config: TactConfig): { grpc: number; metrics: number; admin?: number } {
  return {
    grpc: portOf(config.listen),
    metrics: portOf(config.metricsListen),
    ...(config.adminListen ? { admin: portOf(config.adminListen) } : {}),
  };
}

/**
 * The settings with every container path replaced by the local file that will be there, for
 * checkPaths (which reads only the file settings, so mapping every string is harmless). A
 * relative path is the container's, from WORKDIR: unless the image copies it there, it stays
 * a path no one has, rather than passing because the repo happens to hold it.
 */
function localPaths(config: TactConfig, mounts: TactContainer['mounts']): TactConfig {
  const out: Record<string, unknown> = { ...config };
  const longestFirst = [...mounts].sort((a, b) => b.container.length - a.container.length);
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') continue;
    const inContainer = path.posix.resolve(workdir, value);
    const mount = longestFirst.find((m) => inContainer.startsWith(`${m.container}/`));
    if (mount) out[key] = path.join(mount.local, inContainer.slice(mount.container.length));
    else if (!value.startsWith('/')) out[key] = inContainer;
  }
  return out as TactConfig;
}

/**
 * The checks a container's settings must pass before the server would listen. The bare image
 * is exempt from protected mode: it cannot know the caller's auth, and refusing is its duty.
 */
function checkContainer(c: TactContainer, { protectedMode = true } = {}): TactConfig {
  for (const name of Object.keys(c.env)) if (!NOT_TACT.has(name)) expect(ENV, `${c.where}: variable ${name}`).toHaveProperty([name]);
  for (const flag of c.argv.filter((a) => a.startsWith('--'))) expect(FLAGS, `${c.where}: flag ${flag}`).toHaveProperty([flag.slice(2)]);
  const config = configOf(c);
  if (protectedMode) checkProtectedMode(config);
  checkPaths(localPaths(config, c.mounts));
  return config;
}

// ---- Kubernetes ----------------------------------------------------------------------------

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // Read field by field in the checks below; typing every kind would restate the Kubernetes API.
  spec?: any;
  data?: Record<string, string>;
}
const K8S = path.join(DEPLOY, 'k8s');
const k8sFiles = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const k8s: K8sObject[] = k8sFiles.flatMap((f) => parseAllDocuments(readFileSync(path.join(K8S, f), 'utf8')).map((d) => d.toJS() as K8sObject));
const one = (kind: string): K8sObject => {
  const found = k8s.filter((o) => o.kind === kind);
  expect(found, `one ${kind} in deploy/k8s`).toHaveLength(1);
  return found[0]!;
};

// ---- Compose and Prometheus ----------------------------------------------------------------

interface ComposeService {
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: (string | { type: string; source: string; target: string })[];
}
const compose = yamlOf<{ services: Record<string, ComposeService> }>('compose.yaml');
const isTact = (s: ComposeService): boolean => s.build?.dockerfile !== undefined;
const tactServices = Object.entries(compose.services).filter(([, s]) => isTact(s));
/** Bind mounts of a service: container path -> local path (relative to deploy/, as compose resolves them). */
const bindMounts = (s: ComposeService): { container: string; local: string }[] =>
  (s.volumes ?? [])
    .filter((v): v is string => typeof v === 'string' && v.startsWith('.'))
    .map((v) => {
      const [local, container] = v.split(':') as [string, string];
      return { container, local: path.resolve(DEPLOY, local) };
    });

/** A compose replica: the image's settings overlaid with the service's. */
function composeContainer(name: string, s: ComposeService): TactContainer {
  const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
  return { where: `compose ${name}`, env: { ...image.env, ...env }, argv: s.command ?? image.argv, mounts: [...bindMounts(s), ...image.mounts] };
}

const prometheus = yamlOf<{ rule_files: string[]; scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] }>(
  'prometheus/prometheus.yml',
);

describe('deploy/Dockerfile', () => {
  it('is multi-stage, runs as a non-root user and has a HEALTHCHECK', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    const user = argsOf(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
    expect(argsOf(runtime, 'HEALTHCHECK')).toHaveLength(1);
  });

  it('copies files that exist, everything the server reads at run time, and runs npm scripts that exist', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const copied = dockerfile.flatMap((s) => argsOf(s, 'COPY')).filter((a) => !a.startsWith('--from'));
    for (const sources of copied.map((a) => a.split(/\s+/).slice(0, -1))) for (const src of sources) expect(existsSync(path.join(REPO_ROOT, src)), src).toBe(true);
    const runtimeSources = imageFiles.map((f) => f.src);
    for (const dir of [PROTO_DIR, MODELS_DIR]) expect(runtimeSources).toContain(path.relative(REPO_ROOT, dir));
    expect(runtimeSources).toContain('package.json'); // tact --version reads it
    for (const [, script] of dockerfile.flatMap((s) => argsOf(s, 'RUN')).flatMap((r) => [...r.matchAll(/npm run (\S+)/g)])) {
      expect(pkg.scripts, `npm run ${script}`).toHaveProperty([script!]);
    }
    // The entry point is what `npm start` runs, compiled from a source that exists.
    const [node, entry] = jsonArray(argsOf(runtime, 'ENTRYPOINT').at(-1)!);
    expect(node).toBe('node');
    expect(pkg.scripts['start']).toContain(entry);
    expect(existsSync(path.join(REPO_ROOT, entry!.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it('refuses to listen beyond loopback until given auth, TLS or --insecure (protected mode), as deploy/README.md says', () => {
    expect(() => checkProtectedMode(configOf(image))).toThrow('protected mode');
    expect(() => checkProtectedMode(configOf({ ...image, argv: [...image.argv, '--insecure'] }))).not.toThrow();
  });

  it("starts with the image's own settings (variables, paths) and EXPOSEs exactly the ports it listens on", () => {
    const ports = listenPorts(checkContainer(image, { protectedMode: false }));
    const exposed = argsOf(runtime, 'EXPOSE').flatMap((a) => a.split(/\s+/)).map(Number);
    expect(exposed.sort()).toEqual(Object.values(ports).sort());
  });

  it('its HEALTHCHECK passes against a serving metrics server, fails once it shuts down, and finds it through TACT_METRICS_LISTEN', async () => {
    const check = argsOf(runtime, 'HEALTHCHECK')[0]!;
    const [command, ...args] = jsonArray(check.slice(check.indexOf('CMD [') + 'CMD '.length));
    expect(command).toBe('node'); // the one binary the runtime image is sure to have
    const variable = check.match(/process\.env\.(\w+)/)![1]!;
    expect(ENV[variable]).toBe('metricsListen');
    let healthy = true;
    const server = await startMetricsServer({ scrape: async () => '', contentType: 'text/plain', healthy: () => healthy }, '127.0.0.1:0');
    const probe = () =>
      new Promise<number | null>((resolve) =>
        execFile(process.execPath, args, { env: { ...process.env, [variable]: `0.0.0.0:${server.port}` } }, (err) => resolve(err ? (err.code as number) : 0)),
      );
    try {
      expect(await probe()).toBe(0);
      healthy = false;
      expect(await probe()).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('deploy/compose.yaml', () => {
  it('runs two Tact replicas of the Dockerfile, each starting with its settings', () => {
    expect(tactServices.length).toBe(2);
    for (const [name, s] of tactServices) {
      expect(path.resolve(DEPLOY, s.build!.context, s.build!.dockerfile)).toBe(path.join(DEPLOY, 'Dockerfile'));
      checkContainer(composeContainer(name, s));
    }
  });

  it('publishes only ports the replicas listen on, on distinct host ports', () => {
    const hostPorts: string[] = [];
    for (const [name, s] of tactServices) {
      const ports = Object.values(listenPorts(configOf(composeContainer(name, s))));
      for (const mapping of s.ports ?? []) {
        const parts = mapping.split(':');
        expect(ports, `${name} ${mapping}`).toContain(Number(parts.at(-1)));
        hostPorts.push(parts.slice(0, -1).join(':'));
      }
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('runs Redis with AOF', () => {
    const redis = Object.values(compose.services).find((s) => JSON.stringify(s).includes('redis-server'))!;
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
  });

  it('mounts files that exist; Prometheus gets its rule files beside its config, Grafana the dashboard where provisioning looks', () => {
    const mounts = Object.values(compose.services).flatMap(bindMounts);
    for (const m of mounts) expect(existsSync(m.local), m.local).toBe(true);
    const config = mounts.find((m) => m.local === path.join(DEPLOY, 'prometheus/prometheus.yml'))!;
    for (const rules of prometheus.rule_files) {
      expect(mounts).toContainEqual({ container: path.posix.join(path.posix.dirname(config.container), rules), local: path.join(DEPLOY, 'prometheus', rules) });
    }
    const providers = yamlOf<{ providers: { options: { path: string } }[] }>('grafana/provisioning/dashboards/tact.yml').providers;
    const dashboard = mounts.find((m) => m.local === path.join(DEPLOY, 'grafana/tact-dashboard.json'))!;
    expect(providers.map((p) => p.options.path)).toContain(path.posix.dirname(dashboard.container));
  });
});

describe('deploy/prometheus/prometheus.yml, and the HTTP paths probes ask', () => {
  let metrics: RunningMetricsServer;
  beforeAll(async () => {
    metrics = await startMetricsServer({ scrape: async () => '', contentType: 'text/plain', healthy: () => true }, '127.0.0.1:0');
  });
  afterAll(() => metrics.close());

  it('has every job the alert rules select, with rule files that exist', () => {
    const jobs = prometheus.scrape_configs.map((c) => c.job_name);
    const selected = [...read('prometheus/alerts.yml').matchAll(/job="([^"]+)"/g)].map((m) => m[1]);
    expect(selected.length).toBeGreaterThan(0);
    for (const job of selected) expect(jobs).toContain(job);
    for (const rules of prometheus.rule_files) expect(existsSync(path.join(DEPLOY, 'prometheus', rules)), rules).toBe(true);
  });

  it("scrapes each compose replica once on its metrics port, at a path the server answers", async () => {
    const tact = prometheus.scrape_configs.find((c) => c.job_name === 'tact')!;
    const targets = tact.static_configs.flatMap((c) => c.targets).sort();
    const expected = tactServices.map(([name, s]) => `${name}:${listenPorts(configOf(composeContainer(name, s))).metrics}`).sort();
    expect(targets).toEqual(expected);
    expect((await fetch(`http://127.0.0.1:${metrics.port}${tact.metrics_path ?? '/metrics'}`)).status).toBe(200);
  });

  it('k8s probes ask paths the metrics server answers', async () => {
    const container = one('Deployment').spec.template.spec.containers[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const httpGet = container[probe]?.httpGet as { path: string } | undefined;
      if (httpGet) expect((await fetch(`http://127.0.0.1:${metrics.port}${httpGet.path}`)).status, `${probe} ${httpGet.path}`).toBe(200);
    }
  });
});

describe('deploy/k8s', () => {
  const deployment = one('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
  const scratch: string[] = [];
  afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** Container directory -> local directory with the files: ConfigMaps written out; Secrets are the operator's, so placeholders. */
  function volumeMounts(): TactContainer['mounts'] {
    const dir = mkdtempSync(path.join(tmpdir(), 'tact-k8s-'));
    scratch.push(dir);
    return (container.volumeMounts as { name: string; mountPath: string }[]).map((m) => {
      const volume = (pod.volumes as { name: string; configMap?: { name: string }; secret?: { secretName: string } }[]).find((v) => v.name === m.name)!;
      const local = path.join(dir, m.name);
      mkdirSync(local);
      if (volume.configMap) {
        const map = k8s.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name);
        expect(map, `ConfigMap ${volume.configMap.name}`).toBeDefined();
        for (const [key, value] of Object.entries(map!.data ?? {})) writeFileSync(path.join(local, key), value);
      } else {
        expect(volume.secret, `volume ${m.name}: a ConfigMap or a Secret`).toBeDefined();
        for (const { value } of container.env as { value?: string }[]) {
          if (value?.startsWith(`${m.mountPath}/`)) writeFileSync(path.join(local, value.slice(m.mountPath.length)), '');
        }
      }
      return { container: m.mountPath, local };
    });
  }

  function containerSettings(): TactContainer {
    const env: Record<string, string> = { ...image.env };
    for (const e of container.env as { name: string; value?: string; valueFrom?: unknown }[]) {
      // A Secret's value is the operator's; a well-formed stand-in lets loadConfig check the rest.
      env[e.name] = e.value ?? (e.name === 'REDIS_URL' ? 'redis://redis:6379' : 'secret');
    }
    return { where: 'k8s Deployment', env, argv: container.args ?? image.argv, mounts: [...volumeMounts(), ...image.mounts] };
  }

  it('lists every manifest in kustomization.yaml', () => {
    const kustomization = parseYaml(readFileSync(path.join(K8S, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual([...k8sFiles].sort());
  });

  it('starts with its settings: variables and flags exist, protected mode passes, mounted catalog and policies are found', () => {
    checkContainer(containerSettings());
  });

  it('declares exactly the ports the container listens on; probes and the Service use them', () => {
    const ports = listenPorts(configOf(containerSettings()));
    const declared = container.ports as { name: string; containerPort: number }[];
    expect(declared.map((p) => p.containerPort).sort()).toEqual(Object.values(ports).sort());
    for (const probe of ['startupProbe', 'readinessProbe']) {
      expect(container[probe].grpc, `${probe} is a grpc probe`).toMatchObject({ port: ports.grpc, service: SERVICE_NAME });
    }
    expect(container.livenessProbe.httpGet.port).toBe(ports.metrics);
    const service = one('Service');
    for (const p of service.spec.ports as { targetPort: number | string }[]) {
      const target = typeof p.targetPort === 'number' ? p.targetPort : declared.find((d) => d.name === p.targetPort)?.containerPort;
      expect(Object.values(ports)).toContain(target);
    }
    expect((service.spec.ports as { port: number }[]).map((p) => p.port)).toContain(ports.metrics);
  });

  it('selects the Deployment’s pods from the Service and the PodDisruptionBudget; runs as non-root', () => {
    for (const kind of ['Service', 'PodDisruptionBudget']) {
      const spec = one(kind).spec;
      expect(podLabels).toMatchObject(spec.selector.matchLabels ?? spec.selector);
    }
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  });

  it('ships the catalog and policies of models/ in its ConfigMap', () => {
    const data = one('ConfigMap').data!;
    expect(data['catalog.yaml']).toBe(readFileSync(path.join(MODELS_DIR, 'catalog.yaml'), 'utf8'));
    expect(data['policies.yaml']).toBe(readFileSync(path.join(MODELS_DIR, 'policies.yaml'), 'utf8'));
  });
});

describe('every deploy file', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));

  it('names only variables Tact reads, flags it takes and tact commands that exist', async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    for (const file of files(DEPLOY).filter((f) => !f.endsWith('.json'))) {
      const text = readFileSync(file, 'utf8');
      for (const [name] of text.matchAll(/\b(?:TACT_[A-Z0-9_]+|REDIS_URL)\b/g)) expect(ENV, `${path.relative(DEPLOY, file)}: ${name}`).toHaveProperty([name]);
      // Flags after `serve` on one line (a README command, an args list written inline).
      for (const line of text.split('\n').filter((l) => /\bserve\b/.test(l))) {
        const after = line.slice(line.search(/\bserve\b/));
        for (const [flag] of after.matchAll(/(?<=\s|")--[a-z][a-z-]*/g)) expect(FLAGS, `${path.relative(DEPLOY, file)}: ${flag}`).toHaveProperty([flag.slice(2)]);
      }
      for (const [, command] of text.matchAll(/\btact (?!serving)([a-z][a-z-]+)/g)) {
        expect(await dispatch(['help', command!], io), `${path.relative(DEPLOY, file)}: tact ${command}`).toBe(0);
      }
    }
  });
});
