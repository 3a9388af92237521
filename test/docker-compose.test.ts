/**
 * Structural checks of the container topology (Dockerfile, .dockerignore,
 * docker-compose.yml, docker/postgres-init.sql).
 *
 * CI has no Docker engine, so these files cannot be run here; instead this
 * test reads them and checks that they agree with each other and with the
 * source tree: a subgraph added under subgraphs/ without its compose service,
 * database or router URL fails here, and so does a secret written in clear.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigError, loadConfig, requireForService, type SubgraphName } from '../platform/config.ts';
import { keyEnvironment } from '../platform/keys.ts';

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

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const isDirectory = (dir: string): boolean =>
  existsSync(path.join(root, dir)) && statSync(path.join(root, dir)).isDirectory();

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Source folders the image must contain for `node bin/service.ts ...` to run. */
const SOURCE_FOLDERS = ['platform', 'router', 'subgraphs', 'schema', 'bin'];

/**
 * Variables that hold secrets (keys, passwords). Any environment key matching
 * this must take its value from the shell or `.env`, never from the file.
 */
const SECRET_KEY = /(KEY|PASSWORD|SECRET|TOKEN)$/;
/** Administrator identity: not a key, but still supplied from `.env`. */
const FROM_DOT_ENV = new Set(['ADMIN_EMAIL']);
/** The only credentials allowed in clear: the local postgres container's. */
const DEV_DB_USER = 'bank';
const DEV_DB_PASSWORD = 'bank';

// ---------------------------------------------------------------- compose ---

const composeText = read('docker-compose.yml');
const compose: unknown = parse(composeText, { merge: true });
if (!isDict(compose) || !isDict(compose.services)) throw new Error('docker-compose.yml has no services map');
const services = compose.services as Record<string, Dict>;
const serviceNames = Object.keys(services);

/** `environment` as a map, whether written as a map or as `KEY=value` list. */
function environmentOf(service: Dict): Record<string, string> {
  const env = service.environment;
  if (env === undefined || env === null) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const text = String(entry);
        const eq = text.indexOf('=');
        return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  if (isDict(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
  throw new Error(`environment is neither a map nor a list: ${JSON.stringify(env)}`);
}

/** `command` as an argument vector. */
function commandOf(service: Dict): string[] {
  const cmd = service.command;
  if (Array.isArray(cmd)) return cmd.map(String);
  if (typeof cmd === 'string') return cmd.trim().split(/\s+/);
  return [];
}

/** `depends_on` as name → condition (short list syntax means service_started). */
function dependsOnOf(service: Dict): Record<string, string> {
  const deps = service.depends_on;
  if (deps === undefined || deps === null) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
  if (isDict(deps)) {
    return Object.fromEntries(
      Object.entries(deps).map(([name, spec]) => [
        name,
        isDict(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started',
      ]),
    );
  }
  throw new Error(`depends_on is neither a map nor a list: ${JSON.stringify(deps)}`);
}

/** The healthcheck test as one string, or undefined when there is none. */
function healthcheckOf(service: Dict): string | undefined {
  const hc = service.healthcheck;
  if (!isDict(hc) || hc.disable === true) return undefined;
  const test = hc.test;
  if (Array.isArray(test)) return test.length > 1 && test[0] !== 'NONE' ? test.map(String).join(' ') : undefined;
  return typeof test === 'string' && test.trim() !== '' ? test : undefined;
}

/** Application services: those built from this repository. */
const appServices = serviceNames.filter((name) => services[name]?.build !== undefined);
/** Role of an app service from its command: `router`, or the subgraph's name. */
function roleOf(name: string): { kind: 'router' } | { kind: 'subgraph'; subgraph: string } | undefined {
  const argv = commandOf(services[name] ?? {});
  if (argv[0] !== 'node' || argv[1] !== 'bin/service.ts') return undefined;
  if (argv[2] === 'router' && argv.length === 3) return { kind: 'router' };
  if (argv[2] === 'subgraph' && argv.length === 4 && argv[3] !== undefined)
    return { kind: 'subgraph', subgraph: argv[3] };
  return undefined;
}
const routerServices = appServices.filter((name) => roleOf(name)?.kind === 'router');
const subgraphServices = appServices.filter((name) => roleOf(name)?.kind === 'subgraph');
const router = services.router ?? {};
const routerEnv = environmentOf(router);

/** Subgraphs present in the source tree (a folder with its SDL), read now. */
const subgraphsOnDisk = isDirectory('subgraphs')
  ? readdirSync(path.join(root, 'subgraphs'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(root, 'subgraphs', e.name, 'schema.graphql')))
      .map((e) => e.name)
      .sort()
  : [];

describe('docker-compose.yml', () => {
  it('follows the Compose Specification (no top-level version key)', () => {
    expect(compose).not.toHaveProperty('version');
  });

  it('has postgres, redis and a router', () => {
    expect(serviceNames).toEqual(expect.arrayContaining(['postgres', 'redis', 'router']));
    expect(routerServices).toEqual(['router']);
  });

  it('builds every application service from the Dockerfile at the repository root', () => {
    expect(appServices.length).toBeGreaterThan(0);
    expect(existsSync(path.join(root, 'Dockerfile'))).toBe(true);
    for (const name of appServices) {
      const build = services[name]?.build;
      const context = typeof build === 'string' ? build : isDict(build) ? build.context : undefined;
      const dockerfile = isDict(build) && build.dockerfile !== undefined ? build.dockerfile : 'Dockerfile';
      expect({ name, context: path.resolve(root, String(context)) }).toEqual({ name, context: path.resolve(root) });
      expect({ name, dockerfile }).toEqual({ name, dockerfile: 'Dockerfile' });
      expect({ name, image: services[name]?.image }).toEqual({ name, image: undefined });
    }
  });

  it('runs every application service as `node bin/service.ts <role>` with a role that exists', () => {
    expect(existsSync(path.join(root, 'bin', 'service.ts'))).toBe(true);
    for (const name of appServices) {
      const role = roleOf(name);
      expect({ name, command: commandOf(services[name] ?? {}), valid: role !== undefined }).toEqual({
        name,
        command: commandOf(services[name] ?? {}),
        valid: true,
      });
      const folder = role?.kind === 'subgraph' ? `subgraphs/${role.subgraph}` : 'router';
      expect({ name, folder, exists: isDirectory(folder) }).toEqual({ name, folder, exists: true });
      // One service per subgraph, named after it, so URLs read http://<name>:<port>.
      if (role?.kind === 'subgraph') expect(name).toBe(role.subgraph);
    }
  });

  it('has a service for every subgraph in subgraphs/', () => {
    expect([...subgraphServices].sort()).toEqual(subgraphsOnDisk);
  });

  it('gives every subgraph its port, a readiness healthcheck on it, the database and the router public key', () => {
    for (const name of subgraphServices) {
      const env = environmentOf(services[name] ?? {});
      const port = env[`${name.toUpperCase()}_PORT`];
      expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^\d+$/) });
      expect({ name, healthcheck: healthcheckOf(services[name] ?? {}) }).toEqual({
        name,
        healthcheck: expect.stringContaining(`http://localhost:${port}/readyz`),
      });
      expect({ name, NODE_ENV: env.NODE_ENV, HOST: env.HOST }).toEqual({
        name,
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
      });
      expect({ name, db: env.DATABASE_URL ?? env[`${name.toUpperCase()}_DATABASE_URL`] }).toEqual({
        name,
        db: expect.stringMatching(/^postgres(ql)?:\/\//),
      });
      expect({ name, redis: env.REDIS_URL }).toEqual({ name, redis: expect.stringMatching(/^rediss?:\/\//) });
      expect({ name, key: env[`${name.toUpperCase()}_CALLER_KEY`] }).toEqual({ name, key: expect.any(String) });
      const deps = dependsOnOf(services[name] ?? {});
      expect({ name, postgres: deps.postgres }).toEqual({ name, postgres: 'service_healthy' });
    }
  });

  it('gives every service what its own start-up checks need, with the .env that `npm run keys:env` writes', () => {
    // What `.env` holds (bin/keys-env.ts): the keys and the first administrator.
    const dotEnv: Record<string, string> = {
      ...keyEnvironment(),
      ADMIN_EMAIL: 'admin@bank.example',
      ADMIN_PASSWORD: 'a-long-random-password-0123',
    };
    // Compose's ${VAR}, ${VAR:?message} and ${VAR:-default}, from .env.
    const interpolate = (value: string) =>
      value.replace(
        /\$\{([A-Z0-9_]+)(?::?([?-])([^}]*))?\}/g,
        (_whole, name: string, operator?: string, fallback?: string) =>
          dotEnv[name] ?? (operator === '-' ? (fallback ?? '') : ''),
      );
    for (const name of appServices) {
      const role = roleOf(name);
      const env = Object.fromEntries(
        Object.entries(environmentOf(services[name] ?? {})).map(([k, v]) => [k, interpolate(v)]),
      );
      const config = loadConfig(env);
      const service = role?.kind === 'subgraph' ? (role.subgraph as SubgraphName) : 'router';
      // Each in a process of its own: a subgraph with the router's secret is refused.
      expect({ name, refused: refusal(() => requireForService(config, service, { alone: true })) }).toEqual({
        name,
        refused: null,
      });
    }
  });

  it("points the router's <NAME>_URL at each subgraph service and its <NAME>_PORT", () => {
    for (const name of subgraphServices) {
      const port = environmentOf(services[name] ?? {})[`${name.toUpperCase()}_PORT`];
      expect({ name, url: routerEnv[`${name.toUpperCase()}_URL`] }).toEqual({
        name,
        url: `http://${name}:${port}/graphql`,
      });
    }
    // No URL to a subgraph that compose does not run.
    const subgraphUrlKeys = Object.keys(routerEnv).filter(
      (k) => k.endsWith('_URL') && !['REDIS_URL', 'DATABASE_URL'].includes(k),
    );
    expect(subgraphUrlKeys.sort()).toEqual(subgraphServices.map((n) => `${n.toUpperCase()}_URL`).sort());
  });

  it('starts the router after every subgraph is healthy, and every dependency has a healthcheck', () => {
    const deps = dependsOnOf(router);
    for (const name of subgraphServices)
      expect({ name, condition: deps[name] }).toEqual({ name, condition: 'service_healthy' });
    for (const dep of Object.keys(deps)) {
      expect({ dep, healthcheck: healthcheckOf(services[dep] ?? {}) !== undefined }).toEqual({
        dep,
        healthcheck: true,
      });
    }
    expect(healthcheckOf(router)).toContain(`http://localhost:${routerEnv.ROUTER_PORT}/readyz`);
    expect(routerEnv).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
  });

  it('only depends on services that exist', () => {
    for (const name of serviceNames) {
      for (const dep of Object.keys(dependsOnOf(services[name] ?? {}))) {
        expect({ name, dep, exists: serviceNames.includes(dep) }).toEqual({ name, dep, exists: true });
      }
    }
  });

  it('creates a database for every subgraph in the postgres init script', () => {
    const volumes = (services.postgres?.volumes ?? []) as unknown[];
    expect(volumes.map(String)).toContainEqual(
      expect.stringMatching(/^\.\/docker\/postgres-init\.sql:\/docker-entrypoint-initdb\.d\/[^:]+\.sql(:ro)?$/),
    );
    const sql = read('docker/postgres-init.sql').replace(/--.*$/gm, '');
    const created = [...sql.matchAll(/\bCREATE\s+DATABASE\s+"?([a-z_][a-z0-9_]*)"?/gi)].map((m) => m[1]);
    for (const name of subgraphServices)
      expect({ name, created: created.includes(name) }).toEqual({ name, created: true });
  });

  it('takes every secret from the environment with ${VAR:?message}, never in clear', () => {
    expect(composeText).not.toMatch(/-----BEGIN/);
    const secretsSeen = new Set<string>();
    for (const name of serviceNames) {
      for (const [key, value] of Object.entries(environmentOf(services[name] ?? {}))) {
        if (name === 'postgres' && key === 'POSTGRES_PASSWORD') {
          expect(value).toBe(DEV_DB_PASSWORD);
          continue;
        }
        if (SECRET_KEY.test(key) || FROM_DOT_ENV.has(key)) {
          secretsSeen.add(key);
          expect({ name, key, value }).toEqual({
            name,
            key,
            value: expect.stringMatching(new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`)),
          });
        }
        // Credentials inside URLs: only the local postgres container's.
        const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(value)?.[1];
        if (userinfo !== undefined)
          expect({ name, key, userinfo }).toEqual({ name, key, userinfo: `${DEV_DB_USER}:${DEV_DB_PASSWORD}` });
      }
    }
    expect([...secretsSeen].sort()).toEqual(
      expect.arrayContaining([
        'ADMIN_EMAIL',
        'ADMIN_PASSWORD',
        'JWT_PRIVATE_KEY',
        'JWT_PUBLIC_KEY',
        'ROUTER_CALLER_SECRET',
        ...subgraphServices.map((n) => `${n.toUpperCase()}_CALLER_KEY`),
      ]),
    );
  });

  it('gives each private key only to the service that signs with it', () => {
    const holders = (key: string) => serviceNames.filter((n) => key in environmentOf(services[n] ?? {}));
    expect(holders('JWT_PRIVATE_KEY')).toEqual(['identity']);
    expect(holders('ROUTER_CALLER_SECRET')).toEqual(['router']);
    // Each subgraph's caller key to that subgraph alone: none can speak for the router to another.
    for (const name of subgraphServices) expect(holders(`${name.toUpperCase()}_CALLER_KEY`)).toEqual([name]);
    // Public: the router checks access tokens with it; banking and billing check step-up proofs.
    expect(holders('JWT_PUBLIC_KEY')).toEqual(['banking', 'billing', 'router']);
    expect(holders('FACTOR_ENCRYPTION_KEY')).toEqual(['identity']);
    expect(holders('ADMIN_PASSWORD')).toEqual(['identity']);
  });

  it('publishes ports for the router only, on ROUTER_PORT (and the observability profile on 127.0.0.1)', () => {
    for (const name of serviceNames) {
      const ports = services[name]?.ports;
      if (name === 'router' || OBSERVABILITY.includes(name)) continue;
      expect({ name, ports }).toEqual({ name, ports: undefined });
    }
    const ports = (router.ports ?? []) as unknown[];
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) {
      const target = isDict(p) ? String(p.target) : String(p).split(':').at(-1);
      expect(target).toBe(routerEnv.ROUTER_PORT);
    }
  });
});

// ---------------------------------------------------------- observability ---

/** The services of the `observability` profile: Prometheus and Grafana, from pinned images. */
const OBSERVABILITY = ['prometheus', 'grafana'];
const PINNED_IMAGES: Record<string, RegExp> = {
  prometheus: /^prom\/prometheus:v\d+\.\d+\.\d+$/,
  grafana: /^grafana\/grafana:\d+\.\d+\.\d+$/,
};

/** Bind mounts as host path (relative to the repository) → container path and read-only flag. */
function bindMountsOf(service: Dict): { source: string; target: string; readOnly: boolean }[] {
  return ((service.volumes ?? []) as unknown[]).flatMap((volume) => {
    const [source = '', target = '', mode] = String(volume).split(':');
    return source.startsWith('./') ? [{ source: source.slice(2), target, readOnly: mode === 'ro' }] : [];
  });
}

describe('docker-compose.yml observability profile', () => {
  it('runs Prometheus and Grafana from pinned images, only in the observability profile', () => {
    for (const name of OBSERVABILITY) {
      const service = services[name] ?? {};
      expect({ name, image: service.image }).toEqual({
        name,
        image: expect.stringMatching(PINNED_IMAGES[name] ?? /^$/),
      });
      expect({ name, profiles: service.profiles }).toEqual({ name, profiles: ['observability'] });
      expect({ name, build: service.build }).toEqual({ name, build: undefined });
    }
    // `docker compose up` without the profile still runs the whole bank.
    for (const name of [...appServices, 'postgres', 'redis'])
      expect({ name, profiles: services[name]?.profiles }).toEqual({ name, profiles: undefined });
  });

  it('mounts the deploy/observability files read-only where Prometheus and Grafana read them', () => {
    const prometheus = services.prometheus ?? {};
    expect(bindMountsOf(prometheus)).toContainEqual({
      source: 'deploy/observability/prometheus',
      target: '/etc/prometheus',
      readOnly: true,
    });
    expect(commandOf(prometheus)).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(existsSync(path.join(root, 'deploy/observability/prometheus/prometheus.yml'))).toBe(true);

    const grafana = services.grafana ?? {};
    const mounts = bindMountsOf(grafana);
    expect(mounts).toContainEqual({
      source: 'deploy/observability/grafana/provisioning',
      target: '/etc/grafana/provisioning',
      readOnly: true,
    });
    // Where the dashboard provider looks for dashboards.
    const providers: unknown = parse(read('deploy/observability/grafana/provisioning/dashboards/bank.yml'));
    const provider = isDict(providers) && Array.isArray(providers.providers) ? (providers.providers[0] as unknown) : {};
    const dashboardsPath = isDict(provider) && isDict(provider.options) ? provider.options.path : undefined;
    expect(mounts).toContainEqual({
      source: 'deploy/observability/grafana/dashboards',
      target: dashboardsPath,
      readOnly: true,
    });
    for (const { source } of [...mounts, ...bindMountsOf(prometheus)])
      expect({ source, exists: isDirectory(source) }).toEqual({ source, exists: true });
    const home = environmentOf(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(home.startsWith(`${String(dashboardsPath)}/`)).toBe(true);
    expect(existsSync(path.join(root, 'deploy/observability/grafana/dashboards', path.basename(home)))).toBe(true);
  });

  it('points Grafana at the Prometheus service and Prometheus at every application service', () => {
    const datasources: unknown = parse(read('deploy/observability/grafana/provisioning/datasources/prometheus.yml'));
    const source =
      isDict(datasources) && Array.isArray(datasources.datasources) ? (datasources.datasources[0] as unknown) : {};
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    expect(dependsOnOf(services.grafana ?? {})).toEqual({ prometheus: 'service_healthy' });
    expect(healthcheckOf(services.prometheus ?? {})).toContain('http://localhost:9090/-/ready');

    const config: unknown = parse(read('deploy/observability/prometheus/prometheus.yml'));
    const jobs = isDict(config) && Array.isArray(config.scrape_configs) ? (config.scrape_configs as unknown[]) : [];
    const targets = jobs
      .filter(isDict)
      .flatMap((job) => (Array.isArray(job.static_configs) ? (job.static_configs as unknown[]) : []))
      .filter(isDict)
      .flatMap((sc) => (Array.isArray(sc.targets) ? sc.targets.map(String) : []));
    // The router serves /metrics on METRICS_PORT (9464 unless set); a subgraph on its own port.
    const routerMetricsPort = routerEnv.METRICS_PORT ?? '9464';
    expect(targets).toContain(`router:${routerMetricsPort}`);
    for (const name of subgraphServices) {
      const port = environmentOf(services[name] ?? {})[`${name.toUpperCase()}_PORT`];
      expect({ name, scraped: targets.includes(`${name}:${port}`) }).toEqual({ name, scraped: true });
    }
  });

  it('publishes Prometheus and Grafana on 127.0.0.1 only, and Grafana needs no password', () => {
    for (const name of OBSERVABILITY) {
      for (const p of (services[name]?.ports ?? []) as unknown[])
        expect({ name, port: String(p) }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
    }
    // Anonymous read-only, no login and no admin account: there is no password to leak or to leave at "admin".
    expect(environmentOf(services.grafana ?? {})).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_AUTH_DISABLE_LOGIN_FORM: 'true',
      GF_AUTH_BASIC_ENABLED: 'false',
      GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION: 'true',
    });
  });
});

// ------------------------------------------------------------- Dockerfile ---

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function dockerfileInstructions(text: string): { op: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** Source paths of a COPY/ADD instruction (flags and destination dropped). */
function copySources(args: string): string[] {
  const parts = args.trim().startsWith('[')
    ? (JSON.parse(args) as string[])
    : args.split(/\s+/).filter((a) => !a.startsWith('--'));
  return parts.slice(0, -1).map((p) => p.replace(/^\.\//, '').replace(/\/+$/, ''));
}

describe('Dockerfile', () => {
  const instructions = dockerfileInstructions(read('Dockerfile'));

  it('builds on Node 24', () => {
    expect(instructions[0]).toEqual({ op: 'FROM', args: expect.stringMatching(/^node:24[-.\w]*$/) });
  });

  it('installs production dependencies from the lockfile', () => {
    const copied = instructions.filter((i) => i.op === 'COPY').flatMap((i) => copySources(i.args));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    expect(instructions).toContainEqual({ op: 'RUN', args: expect.stringMatching(/\bnpm ci\b.*--omit=dev/) });
  });

  it('copies every source folder the services need', () => {
    const copied = new Set(
      instructions.filter((i) => i.op === 'COPY' || i.op === 'ADD').flatMap((i) => copySources(i.args)),
    );
    for (const folder of SOURCE_FOLDERS)
      expect({ folder, copied: copied.has(folder) }).toEqual({ folder, copied: true });
    // Each folder on its own COPY: a multi-source COPY flattens folders into the destination.
    for (const i of instructions.filter((x) => x.op === 'COPY')) {
      const sources = copySources(i.args);
      if (sources.some((s) => SOURCE_FOLDERS.includes(s))) expect(sources).toHaveLength(1);
    }
  });

  it('runs in production mode as a non-root user', () => {
    expect(instructions).toContainEqual({ op: 'ENV', args: expect.stringMatching(/\bNODE_ENV[= ]production\b/) });
    const users = instructions.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const last = users.at(-1)?.args.split(':')[0];
    expect(['root', '0', '']).not.toContain(last);
  });

  it('starts a service through bin/service.ts by default', () => {
    const cmd = instructions.filter((i) => i.op === 'CMD').at(-1);
    expect(cmd?.args).toMatch(/bin\/service\.ts/);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const normalized = new Set(patterns.map((p) => p.replace(/^\/+/, '').replace(/\/+$/, '')));

  it('keeps local data, secrets and dependencies out of the build context', () => {
    for (const entry of ['.data', '.env', 'node_modules', '*.pem']) {
      expect({ entry, ignored: normalized.has(entry) }).toEqual({ entry, ignored: true });
    }
  });

  it('does not exclude a source folder the image copies', () => {
    for (const p of normalized) {
      if (p.startsWith('!')) continue;
      for (const folder of [...SOURCE_FOLDERS, 'package.json', 'package-lock.json']) {
        expect({ pattern: p, excludes: p === folder || p === `${folder}/**` }).toEqual({ pattern: p, excludes: false });
      }
    }
  });
});
