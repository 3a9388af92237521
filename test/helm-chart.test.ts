/**
 * Checks of the Helm chart (deploy/helm/bank).
 *
 * CI has no helm binary and no cluster, so the chart is rendered by
 * test/support/helm-render.ts (a strict renderer for the template subset the
 * chart uses) with its default values and with the production example, every
 * document is parsed with `yaml`, and the result is checked against the
 * source tree, as test/docker-compose.test.ts checks compose: a Deployment
 * for the router and every subgraph in subgraphs/, each started the way the
 * Dockerfile does with what platform/config.ts requires of that service in
 * production (its secrets only from Secrets), probes, resources, a Service,
 * an autoscaler and a disruption budget each, and NetworkPolicies that let
 * through exactly the calls the services make (read from docker-compose.yml,
 * whose URLs are the call graph) and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { IMPLEMENTED_SUBGRAPHS } from '../bin/subgraphs.ts';
import { ConfigError, loadConfig, requireForService, type Config, type SubgraphName } from '../platform/config.ts';
import { mergeValues, renderChart, renderString, TemplateError } from './support/helm-render.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const chartDir = path.join(root, 'deploy/helm/bank');

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const dict = (v: unknown, what: string): Dict => {
  if (!isDict(v)) throw new Error(`${what} is not a map: ${JSON.stringify(v)}`);
  return v;
};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Variables that hold secrets (as in test/docker-compose.test.ts), plus the connection URLs, which carry passwords. */
const SECRET_VARIABLE = /(KEY|PASSWORD|SECRET|TOKEN)$|^ADMIN_EMAIL$|DATABASE_URL$|^REDIS_URL$/;

/** The problems a start-up check reports, or null when it passes. */
function refusal(check: () => void): readonly string[] | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

// ------------------------------------------------------------ the sources ---

const subgraphsOnDisk = readdirSync(path.join(root, 'subgraphs'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(path.join(root, 'subgraphs', e.name, 'schema.graphql')))
  .map((e) => e.name)
  .sort();

/** Who calls whom, from docker-compose.yml: a service calls X when it has X's URL (`ROUTER_URL`, `BANKING_URL`, ...). */
const compose = dict(parse(read('docker-compose.yml'), { merge: true }), 'docker-compose.yml');
const composeCalls: Record<string, string[]> = Object.fromEntries(
  Object.entries(dict(compose.services, 'services'))
    .filter(([, service]) => isDict(service) && service.build !== undefined)
    .map(([name, service]) => [
      name,
      Object.keys(dict(dict(service, name).environment ?? {}, `${name}.environment`))
        .filter((k) => k.endsWith('_URL') && !SECRET_VARIABLE.test(k))
        .map((k) => k.slice(0, -'_URL'.length).toLowerCase())
        .sort(),
    ]),
);

const productionValues = dict(parse(read('deploy/helm/bank/values-production.example.yaml')), 'production values');
const packageVersion = (JSON.parse(read('package.json')) as { version: string }).version;

// ------------------------------------------------------------- rendering ---

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Dict;
}

interface Rendering {
  objects: K8sObject[];
  text: string;
  values: Dict;
  namespace: string;
}

function render(values: Dict[], namespace = 'default'): Rendering {
  const { manifests, values: merged } = renderChart(chartDir, { values, release: { name: 'bank', namespace } });
  const objects = Object.entries(manifests).flatMap(([file, text]) =>
    parseAllDocuments(text).flatMap((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const object: unknown = doc.toJS();
      return object === null || object === undefined ? [] : [object as K8sObject];
    }),
  );
  return { objects, text: Object.values(manifests).join('\n'), values: merged, namespace };
}

const renderings: [string, Rendering][] = [
  ['default values', render([])],
  ['values-production.example.yaml', render([productionValues], 'bank')],
];

/** `matchLabels` only: the chart uses nothing else, and anything else would need checking here. */
function selects(selector: unknown, labels: Record<string, string>): boolean {
  const s = dict(selector, 'selector');
  if (Object.keys(s).some((k) => k !== 'matchLabels')) throw new Error(`unsupported selector ${JSON.stringify(s)}`);
  const match = dict(s.matchLabels ?? {}, 'matchLabels');
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** One Deployment's pod, as the checks see it. */
interface Pod {
  deployment: K8sObject;
  role: string;
  labels: Record<string, string>;
  spec: Dict;
  container: Dict;
  /** Container ports by name. */
  ports: Record<string, number>;
  /** Plain variables, and variables from Secrets as `secret/key`. */
  plain: Record<string, string>;
  fromSecret: Record<string, { name: string; key: string }>;
}

function podOf(deployment: K8sObject): Pod {
  const template = dict(deployment.spec.template, 'template');
  const spec = dict(template.spec, 'pod spec');
  const containers = list(spec.containers);
  if (containers.length !== 1) throw new Error(`${deployment.metadata.name}: ${containers.length} containers`);
  const container = dict(containers[0], 'container');
  const command = list(container.command).map(String);
  const role =
    command.length === 3 && command.join(' ') === 'node bin/service.ts router'
      ? 'router'
      : command.length === 4 && command.slice(0, 3).join(' ') === 'node bin/service.ts subgraph'
        ? String(command[3])
        : `unknown command: ${command.join(' ')}`;
  const plain: Record<string, string> = {};
  const fromSecret: Pod['fromSecret'] = {};
  for (const entry of list(container.env).map((e) => dict(e, 'env entry'))) {
    const name = String(entry.name);
    if (name in plain || name in fromSecret) throw new Error(`${deployment.metadata.name}: ${name} set twice`);
    if (entry.valueFrom !== undefined) {
      const ref = dict(dict(entry.valueFrom, 'valueFrom').secretKeyRef, `${name}.valueFrom.secretKeyRef`);
      fromSecret[name] = { name: String(ref.name), key: String(ref.key) };
    } else plain[name] = String(entry.value);
  }
  const ports = Object.fromEntries(
    list(container.ports).map((p) => [String(dict(p, 'port').name), Number(dict(p, 'port').containerPort)]),
  );
  const labels = dict(dict(template.metadata, 'pod metadata').labels, 'pod labels') as Record<string, string>;
  return { deployment, role, labels, spec, container, ports, plain, fromSecret };
}

/** A port reference (a number, or a name of the pod's container ports) as a number. */
function portNumber(pod: Pod, port: unknown): number {
  if (typeof port === 'number') return port;
  const resolved = pod.ports[String(port)];
  if (resolved === undefined) throw new Error(`${pod.role}: no container port named ${String(port)}`);
  return resolved;
}

/**
 * The README's recipe for the keys' Secret: `npm run --silent keys:env`, unquoted by this sed expression for
 * `kubectl create secret generic --from-env-file`, which keeps quotes as part of a value.
 */
const UNQUOTE_FOR_KUBECTL = String.raw`s/^\([A-Z_]*\)="\(.*\)"$/\1=\2/`;

/** The keys' Secret as that recipe makes it, read as kubectl reads an env file (`KEY=value` as is; # and blanks skipped). */
function keysSecretByRecipe(): Record<string, string> {
  const dotEnv = execFileSync(process.execPath, ['bin/keys-env.ts'], { cwd: root, encoding: 'utf8' });
  const envFile = execFileSync('sed', ['-e', UNQUOTE_FOR_KUBECTL], { input: dotEnv, encoding: 'utf8' });
  return Object.fromEntries(
    envFile
      .split('\n')
      .map((line) => line.trimStart())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
const keysSecret = keysSecretByRecipe();

/** The Secrets an operator creates, as the README tells them: the keys' Secret, and the database and Redis URLs. */
function secretStore(values: Dict): Record<string, Record<string, string>> {
  const main = String(dict(values.secrets, 'secrets').name);
  const database = dict(values.database, 'database');
  const redis = dict(values.redis, 'redis');
  const store: Record<string, Record<string, string>> = { [main]: { ...keysSecret } };
  const put = (secret: unknown, key: unknown, value: string) => {
    const name = String(secret) === '' ? main : String(secret);
    store[name] = { ...store[name], [String(key)]: value };
  };
  put(database.secretName, database.secretKey, 'postgres://bank:secret@postgres.example:5432');
  put(redis.secretName, redis.secretKey, 'rediss://:secret@redis.example:6380');
  return store;
}

/** The environment a pod's process would see. */
function environmentOf(pod: Pod, store: Record<string, Record<string, string>>): Record<string, string> {
  const env = { ...pod.plain };
  for (const [name, ref] of Object.entries(pod.fromSecret)) {
    const value = store[ref.name]?.[ref.key];
    if (value === undefined) throw new Error(`${pod.role}: ${name} from ${ref.name}/${ref.key}, which is not created`);
    env[name] = value;
  }
  return env;
}

const servicePort = (config: Config, role: string): number =>
  role === 'router' ? config.router.port : config.subgraphs[role as SubgraphName].port;

// ------------------------------------------------------ NetworkPolicies ---

interface Peer {
  what: string;
  namespace: string;
  namespaceLabels: Record<string, string>;
  labels: Record<string, string>;
}

/** Whether `from` may open a TCP connection to `to` on `port`, by the NetworkPolicy rules of the Kubernetes API. */
function admits(policies: K8sObject[], namespace: string, from: Peer, to: Pod, port: number): boolean {
  const selecting = policies.filter(
    (p) =>
      (p.metadata.namespace ?? namespace) === namespace &&
      selects(p.spec.podSelector, to.labels) &&
      list(p.spec.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (selecting.length === 0) return true; // not isolated
  return selecting.some((policy) =>
    list(policy.spec.ingress).some((r) => {
      const rule = dict(r, 'ingress rule');
      const ports = list(rule.ports);
      const portOk =
        ports.length === 0 ||
        ports.some((p) => {
          const entry = dict(p, 'port');
          if ((entry.protocol ?? 'TCP') !== 'TCP' || entry.endPort !== undefined)
            throw new Error('unsupported port rule');
          return entry.port === undefined || portNumber(to, entry.port) === port;
        });
      const peers = list(rule.from);
      const peerOk =
        peers.length === 0 ||
        peers.some((p) => {
          const peer = dict(p, 'peer');
          if (peer.ipBlock !== undefined) throw new Error('ipBlock peers are not checked here');
          const namespaceOk =
            peer.namespaceSelector === undefined
              ? from.namespace === namespace
              : selects(peer.namespaceSelector, from.namespaceLabels);
          const podOk = peer.podSelector === undefined || selects(peer.podSelector, from.labels);
          return namespaceOk && podOk && (peer.namespaceSelector !== undefined || peer.podSelector !== undefined);
        });
      return portOk && peerOk;
    }),
  );
}

// ----------------------------------------------------------------- tests ---

describe('the Helm chart deploy/helm/bank', () => {
  it('is a Helm 3 chart whose appVersion is the application version (the default image tag)', () => {
    const chart = dict(parse(read('deploy/helm/bank/Chart.yaml')), 'Chart.yaml');
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'bank', type: 'application', appVersion: packageVersion });
    expect(String(chart.version)).toMatch(/^\d+\.\d+\.\d+$/);
  });

  describe.each(renderings)('rendered with %s', (_label, { objects, text, values, namespace }) => {
    const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
    const pods = ofKind('Deployment').map(podOf);
    const store = secretStore(values);
    const byRole = new Map(pods.map((p) => [p.role, p]));
    const scrapersConfigured = list(dict(values.metrics, 'metrics').scrapers).length > 0;

    it('renders only well-formed objects, uniquely named per kind, labelled with the release', () => {
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        expect({ kind: o.kind, apiVersion: typeof o.apiVersion, name: typeof o.metadata?.name }).toEqual({
          kind: expect.any(String),
          apiVersion: 'string',
          name: 'string',
        });
        expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'bank' });
      }
      const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('runs a Deployment for the router and for every subgraph in subgraphs/, each with its own command', () => {
      expect(subgraphsOnDisk).toEqual([...IMPLEMENTED_SUBGRAPHS].sort());
      expect(pods.map((p) => p.role).sort()).toEqual(['router', ...subgraphsOnDisk].sort());
      for (const pod of pods) {
        expect({ pod: pod.role, component: pod.labels['app.kubernetes.io/component'] }).toEqual({
          pod: pod.role,
          component: pod.role,
        });
        expect(pod.deployment.apiVersion).toBe('apps/v1');
        expect(selects(pod.deployment.spec.selector, pod.labels)).toBe(true);
      }
    });

    it('gives each service exactly what its production start-up checks require, secrets only from Secrets', () => {
      expect(text).not.toMatch(/-----BEGIN/);
      for (const pod of pods) {
        for (const name of Object.keys(pod.plain)) {
          expect({ pod: pod.role, name, plain: SECRET_VARIABLE.test(name) }).toEqual({
            pod: pod.role,
            name,
            plain: false,
          });
        }
        const env = environmentOf(pod, store);
        const config = loadConfig(env);
        const service = pod.role as 'router' | SubgraphName;
        const alone = { alone: true };
        expect({ pod: pod.role, production: config.isProduction, host: config.host }).toEqual({
          pod: pod.role,
          production: true,
          host: '0.0.0.0',
        });
        // Each pod runs one service (bin/service.ts): a subgraph holding the router's secret is refused.
        expect({ pod: pod.role, refused: refusal(() => requireForService(config, service, alone)) }).toEqual({
          pod: pod.role,
          refused: null,
        });
        // bin/service.ts refuses to start a production service without Redis.
        expect({ pod: pod.role, redis: config.redisUrl }).toEqual({ pod: pod.role, redis: expect.any(String) });
        // No more than it needs: without any one of its secrets (Redis apart), the service would refuse to start.
        for (const name of Object.keys(pod.fromSecret).filter((n) => n !== 'REDIS_URL')) {
          const without = loadConfig({ ...env, [name]: undefined });
          expect({
            pod: pod.role,
            name,
            needed: refusal(() => requireForService(without, service, alone)) !== null,
          }).toEqual({
            pod: pod.role,
            name,
            needed: true,
          });
        }
      }
      // Each private key is held by the one service that signs with it.
      const holders = (name: string) => pods.filter((p) => name in p.fromSecret).map((p) => p.role);
      expect(holders('JWT_PRIVATE_KEY')).toEqual(['identity']);
      expect(holders('ROUTER_CALLER_SECRET')).toEqual(['router']);
      // Each subgraph's caller key to that subgraph alone: none can speak for the router to another.
      for (const pod of pods.filter((p) => p.role !== 'router')) {
        expect(holders(`${pod.role.toUpperCase()}_CALLER_KEY`)).toEqual([pod.role]);
      }
      expect(holders('ADMIN_PASSWORD')).toEqual(['identity']);
    });

    it('listens on the port named http, which is the service port its configuration reads', () => {
      for (const pod of pods) {
        const config = loadConfig(environmentOf(pod, store));
        expect({ pod: pod.role, http: pod.ports.http }).toEqual({ pod: pod.role, http: servicePort(config, pod.role) });
      }
      // The router serves /metrics on METRICS_PORT (9464), a port of its own.
      const router = byRole.get('router')!;
      expect(router.plain.METRICS_PORT).toBe('9464');
      expect(router.ports.metrics).toBe(9464);
    });

    it('probes readiness on /readyz and liveness on /healthz of the service port, after a startup probe', () => {
      for (const pod of pods) {
        const probe = (name: string) => dict(dict(pod.container[name], `${pod.role}.${name}`).httpGet, 'httpGet');
        const http = pod.ports.http;
        expect({
          pod: pod.role,
          path: probe('readinessProbe').path,
          port: portNumber(pod, probe('readinessProbe').port),
        }).toEqual({ pod: pod.role, path: '/readyz', port: http });
        expect({
          pod: pod.role,
          path: probe('livenessProbe').path,
          port: portNumber(pod, probe('livenessProbe').port),
        }).toEqual({ pod: pod.role, path: '/healthz', port: http });
        // Migrations run before the port opens: the startup probe holds the others off meanwhile.
        const startup = dict(pod.container.startupProbe, 'startupProbe');
        expect(portNumber(pod, dict(startup.httpGet, 'httpGet').port)).toBe(http);
        expect(Number(startup.periodSeconds) * Number(startup.failureThreshold)).toBeGreaterThanOrEqual(120);
      }
    });

    it('requests CPU and memory and limits memory', () => {
      for (const pod of pods) {
        const resources = dict(pod.container.resources, 'resources');
        expect({ pod: pod.role, resources }).toEqual({
          pod: pod.role,
          resources: expect.objectContaining({
            requests: expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
            limits: expect.objectContaining({ memory: expect.anything() }),
          }),
        });
      }
    });

    it('stops gracefully: out of its Service first, then SIGTERM with time for the 30 s shutdown; spread over nodes', () => {
      for (const pod of pods) {
        const preStop = dict(dict(pod.container.lifecycle, 'lifecycle').preStop, 'preStop');
        const command = list(dict(preStop.exec, 'exec').command).map(String);
        expect({ pod: pod.role, command: command[0] }).toEqual({ pod: pod.role, command: 'sleep' });
        // The grace period counts from the preStop hook: it must cover the pause and the service's own 30 s.
        expect(Number(pod.spec.terminationGracePeriodSeconds)).toBeGreaterThanOrEqual(Number(command[1]) + 30);
        const spread = list(pod.spec.topologySpreadConstraints).map((c) => dict(c, 'constraint'));
        expect({ pod: pod.role, own: spread.some((c) => selects(c.labelSelector, pod.labels)) }).toEqual({
          pod: pod.role,
          own: true,
        });
        const others = pods.filter((p) => p !== pod && spread.some((c) => selects(c.labelSelector, p.labels)));
        expect(others).toEqual([]);
      }
    });

    it('runs as a non-root user on a read-only root filesystem, without privileges or API credentials', () => {
      for (const pod of pods) {
        const podSecurity = dict(pod.spec.securityContext, 'pod securityContext');
        expect({ pod: pod.role, nonRoot: podSecurity.runAsNonRoot, uid: podSecurity.runAsUser }).toEqual({
          pod: pod.role,
          nonRoot: true,
          uid: expect.any(Number),
        });
        expect(podSecurity.runAsUser).toBeGreaterThan(0);
        expect({ pod: pod.role, security: pod.container.securityContext }).toEqual({
          pod: pod.role,
          security: expect.objectContaining({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          }),
        });
        expect({
          pod: pod.role,
          token: pod.spec.automountServiceAccountToken,
          links: pod.spec.enableServiceLinks,
        }).toEqual({ pod: pod.role, token: false, links: false });
        const tmp = list(pod.container.volumeMounts)
          .map((m) => dict(m, 'mount'))
          .find((m) => m.mountPath === '/tmp');
        const volume = list(pod.spec.volumes)
          .map((v) => dict(v, 'volume'))
          .find((v) => v.name === tmp?.name);
        expect({ pod: pod.role, emptyDir: volume?.emptyDir !== undefined }).toEqual({ pod: pod.role, emptyDir: true });
      }
    });

    it('puts one Service in front of each Deployment, on its http port', () => {
      const services = ofKind('Service');
      expect(services).toHaveLength(pods.length);
      for (const pod of pods) {
        const fronting = services.filter((s) => selects({ matchLabels: s.spec.selector }, pod.labels));
        expect({ pod: pod.role, services: fronting.length }).toEqual({ pod: pod.role, services: 1 });
        const port = list(fronting[0]!.spec.ports)
          .map((p) => dict(p, 'port'))
          .find((p) => p.name === 'http');
        expect({ pod: pod.role, port: port?.port, target: portNumber(pod, port?.targetPort) }).toEqual({
          pod: pod.role,
          port: pod.ports.http,
          target: pod.ports.http,
        });
      }
    });

    it("points every <NAME>_URL at that service's Service and port, for the calls docker-compose.yml makes", () => {
      const services = ofKind('Service');
      for (const pod of pods) {
        const urls = Object.entries(pod.plain).filter(([k]) => k.endsWith('_URL'));
        expect({ pod: pod.role, calls: urls.map(([k]) => k.slice(0, -4).toLowerCase()).sort() }).toEqual({
          pod: pod.role,
          calls: composeCalls[pod.role],
        });
        for (const [name, value] of urls) {
          const url = new URL(value);
          const service = services.find((s) => s.metadata.name === url.hostname);
          const target = pods.find((p) => service && selects({ matchLabels: service.spec.selector }, p.labels));
          const servicePorts = list(service?.spec.ports).map((p) => Number(dict(p, 'port').port));
          expect({ pod: pod.role, name, target: target?.role, port: servicePorts.includes(Number(url.port)) }).toEqual({
            pod: pod.role,
            name,
            target: name.slice(0, -4).toLowerCase(),
            port: true,
          });
          expect(url.pathname).toBe('/graphql');
        }
      }
      expect(composeCalls.router).toEqual([...subgraphsOnDisk].sort());
    });

    it('scales each Deployment with a CPU HorizontalPodAutoscaler, or a fixed replica count when it has none', () => {
      const hpas = ofKind('HorizontalPodAutoscaler');
      for (const pod of pods) {
        const mine = hpas.filter(
          (h) => dict(h.spec.scaleTargetRef, 'scaleTargetRef').name === pod.deployment.metadata.name,
        );
        expect(mine.length).toBeLessThanOrEqual(1);
        if (mine.length === 0) {
          expect({ pod: pod.role, replicas: pod.deployment.spec.replicas }).toEqual({
            pod: pod.role,
            replicas: expect.any(Number),
          });
          continue;
        }
        const hpa = mine[0]!;
        expect(hpa.apiVersion).toBe('autoscaling/v2');
        expect(hpa.spec.scaleTargetRef).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: pod.deployment.metadata.name,
        });
        expect(Number(hpa.spec.minReplicas)).toBeGreaterThanOrEqual(2);
        expect(Number(hpa.spec.maxReplicas)).toBeGreaterThanOrEqual(Number(hpa.spec.minReplicas));
        expect(hpa.spec.metrics).toEqual([
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } },
          },
        ]);
        // The autoscaler owns the replica count: a Deployment's own would reset it on every upgrade.
        expect({ pod: pod.role, replicas: pod.deployment.spec.replicas }).toEqual({
          pod: pod.role,
          replicas: undefined,
        });
      }
    });

    it('gives each Deployment a PodDisruptionBudget over its pods alone', () => {
      const pdbs = ofKind('PodDisruptionBudget');
      expect(pdbs).toHaveLength(pods.length);
      for (const pod of pods) {
        const mine = pdbs.filter((p) => selects(p.spec.selector, pod.labels));
        expect({ pod: pod.role, budgets: mine.length, api: mine[0]?.apiVersion }).toEqual({
          pod: pod.role,
          budgets: 1,
          api: 'policy/v1',
        });
        const spec = mine[0]!.spec;
        expect('minAvailable' in spec !== 'maxUnavailable' in spec).toBe(true);
      }
    });

    it('lets only the callers of each subgraph reach it, anyone reach the router, and only scrapers reach metrics', () => {
      const policies = ofKind('NetworkPolicy');
      expect(policies.map((p) => p.apiVersion)).toEqual(pods.map(() => 'networking.k8s.io/v1'));
      const inNamespace = { namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace } };
      const sources: Peer[] = [
        ...pods.map((p) => ({ what: p.role, labels: p.labels, ...inNamespace })),
        { what: 'a stranger pod', labels: { app: 'stranger' }, ...inNamespace },
        {
          what: 'an ingress controller',
          labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
          namespace: 'ingress',
          namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress' },
        },
        {
          what: 'prometheus',
          labels: { 'app.kubernetes.io/name': 'prometheus' },
          namespace: 'monitoring',
          namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
        },
      ];
      const callers = (role: string) => Object.keys(composeCalls).filter((c) => composeCalls[c]?.includes(role));
      let allowed = 0;
      for (const to of pods) {
        for (const [portName, port] of Object.entries(to.ports)) {
          for (const from of sources) {
            // /metrics is on the router's metrics port, and on each subgraph's own port.
            const scrapes =
              from.what === 'prometheus' && scrapersConfigured && (portName === 'metrics' || !('metrics' in to.ports));
            const expected =
              portName === 'http' && (to.role === 'router' || callers(to.role).includes(from.what)) ? true : scrapes;
            const actual = admits(policies, namespace, from, to, port);
            if (actual) allowed += 1;
            expect({ from: from.what, to: to.role, port: portName, allowed: actual }).toEqual({
              from: from.what,
              to: to.role,
              port: portName,
              allowed: expected,
            });
          }
        }
      }
      expect(allowed).toBeGreaterThan(sources.length);
    });

    it('annotates pods for Prometheus only when asked, with the port that serves /metrics', () => {
      const annotate = dict(values.metrics, 'metrics').annotations === true;
      for (const pod of pods) {
        const metadata = dict(dict(pod.deployment.spec.template, 'template').metadata, 'pod metadata');
        const annotations = (metadata.annotations ?? {}) as Record<string, string>;
        expect({ pod: pod.role, annotations }).toEqual({
          pod: pod.role,
          annotations: annotate
            ? {
                'prometheus.io/scrape': 'true',
                'prometheus.io/port': String(pod.ports.metrics ?? pod.ports.http),
                'prometheus.io/path': '/metrics',
              }
            : {},
        });
      }
    });
  });

  it("creates the keys' Secret as the README says, with every key the services read from it", () => {
    expect(read('README.md')).toContain(`sed -e '${UNQUOTE_FOR_KUBECTL}'`);
    // Unquoted: kubectl would otherwise keep the quotes in the keys and no service would start.
    expect(Object.values(keysSecret).filter((v) => v.startsWith('"'))).toEqual([]);
    expect(Object.keys(keysSecret)).toEqual(
      expect.arrayContaining(['JWT_PRIVATE_KEY', 'ADMIN_EMAIL', 'ADMIN_PASSWORD']),
    );
  });

  it("refuses misspelt or mistyped values by the chart's values.schema.json, naming them, as Helm does", () => {
    const router = dict(
      dict(dict(parse(read('deploy/helm/bank/values.yaml')), 'values').services, 'services').router,
      'router',
    );
    expect(() => render([{ secret: { name: 'bank-keys' } }])).toThrow(
      /values\.schema\.json: .*Unrecognized key: "secret"/,
    );
    expect(() => render([{ services: { router: { ...router, port: '4000' } } }])).toThrow(
      /services\.router\.port: .*expected number/,
    );
    expect(() => render([{ env: { TRUSTED_PROXY_HOPS: 1 } }])).toThrow(/env\.TRUSTED_PROXY_HOPS: .*expected string/);
    expect(() => render([{ podDisruptionBudget: { minAvailable: 1 } }])).toThrow(
      /podDisruptionBudget: .*<=1 properties/,
    );
    // What a budget change needs: the default's key removed with null, as Helm merges values.
    expect(() => render([{ podDisruptionBudget: { minAvailable: 1, maxUnavailable: null } }])).not.toThrow();
  });

  it('names the Secret an operator must create when none is given', () => {
    expect(() => render([{ secrets: { name: '' } }])).toThrow(/secrets\.name: name the Kubernetes Secret/);
    expect(() => render([{ secrets: null }])).toThrow(TemplateError);
  });

  it('refuses a subgraph nobody may reach, and a call to a service the chart does not run', () => {
    const services = dict(dict(parse(read('deploy/helm/bank/values.yaml')), 'values').services, 'services');
    const withoutMessaging = (role: string) => list(dict(services[role], role).calls).filter((c) => c !== 'messaging');
    expect(() =>
      render([
        {
          services: {
            router: { calls: withoutMessaging('router') },
            identity: { calls: withoutMessaging('identity') },
          },
        },
      ]),
    ).toThrow(/services\.messaging: no service calls it/);
    expect(() => render([{ services: { billing: { calls: ['banking', 'payments'] } } }])).toThrow(
      /services\.billing\.calls: payments is not a service of this chart/,
    );
  });
});

describe('the Helm template renderer (test/support/helm-render.ts)', () => {
  it('renders the subset the chart uses as Helm does', () => {
    const defines = '{{- define "greet" -}}hello {{ .who }}{{- end -}}';
    const data = { m: { b: 2, a: 1 }, l: ['x', 'y'], empty: [], n: 4001, s: 'text', nested: { k: { v: 'deep' } } };
    expect(renderString('{{- range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', data, defines)).toBe('a=1;b=2;');
    expect(renderString('{{ range .l }}[{{ . }}]{{ end }}|{{ range .empty }}x{{ else }}none{{ end }}', data)).toBe(
      '[x][y]|none',
    );
    expect(renderString('a  \n  {{- .s -}}  \n  b', data)).toBe('atextb');
    expect(renderString('{{ include "greet" (dict "who" .s) | upper }}', data, defines)).toBe('HELLO TEXT');
    expect(renderString('{{ .n | quote }} {{ default "d" .missing }} {{ default "d" .s }}', data)).toBe(
      '"4001" d text',
    );
    expect(
      renderString(
        '{{ $x := 1 }}{{ if eq .s "other" }}a{{ else if .n }}{{ $x = 2 }}{{ $x }}{{ else }}c{{ end }}',
        data,
      ),
    ).toBe('2');
    expect(renderString('k:{{ toYaml .m | nindent 2 }}', data)).toBe('k:\n  a: 1\n  b: 2');
    expect(renderString('{{ with .nested.k }}{{ .v }}{{ end }}{{ with .missing }}no{{ else }}!{{ end }}', data)).toBe(
      'deep!',
    );
    expect(renderString('{{ printf "%s-%v" .s .n | trunc 7 | trimSuffix "-" }}', data)).toBe('text-40');
    expect(renderString('{{ index .m "b" }} {{ and .s .n }} {{ or .missing .s }} {{ not .empty }}', data)).toBe(
      '2 4001 text true',
    );
  });

  it('throws on what it does not support or Helm would render wrong, naming the place', () => {
    const data = { n: 4001, m: {} };
    expect(() => renderString('line\n{{ lookup "v1" "Secret" "ns" "name" }}', data)).toThrow(
      /inline:2: function "lookup" is not supported/,
    );
    expect(() => renderString('{{ printf "%d" .n }}', data)).toThrow(/printf verb %d is not supported/);
    expect(() => renderString('{{ .big }}', { big: 1000000 })).toThrow(/Helm prints 1000000 in exponent form/);
    expect(() => renderString('{{ if eq .n "4001" }}{{ end }}', data)).toThrow(/incompatible types/);
    expect(() => renderString('{{ if .n }}open', data)).toThrow(/missing \{\{end\}\}/);
    expect(() => renderString('{{ .misspelt }}', data)).toThrow(/printing a missing value/);
    expect(() => renderString('{{ .m.a.b }}', data)).toThrow(/cannot read \.b of nil/);
    expect(() => renderString('{{ template "x" . }}', data)).toThrow(/not supported/);
    expect(() => renderString('{{ include "undefined" . }}', data)).toThrow(/undefined template/);
  });

  it('merges values as Helm does: maps deeply, lists replaced, null removes', () => {
    expect(mergeValues({ a: { b: 1, c: 2 }, l: [1, 2], gone: 1 }, { a: { c: 3 }, l: [9], gone: null })).toEqual({
      a: { b: 1, c: 3 },
      l: [9],
    });
  });
});
