/**
 * The bank as production runs it, for the benchmarks: a redis-server, then
 * each subgraph and the router in a process of its own (`bin/service.ts`,
 * NODE_ENV=production, silent logs, fresh keys), on free ports, over the
 * databases the caller started. bench/gateways.ts and bench/transfers.ts
 * (`BENCH_PROCESSES=1`) start the bank this way; each child's CPU time
 * comes from /proc by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IMPLEMENTED_SUBGRAPHS } from '../bin/subgraphs.ts';
import { generateKeyConfig, keyEnvironment } from '../platform/keys.ts';
import { findTestRedis, startRedisServer, type RunningRedis } from '../test/support/redis.ts';
import { TEST_ADMIN, testEnv } from '../test/support/stack.ts';
import { freePort, subgraphEnv, type BenchDatabases } from './support.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
/** The project's folder: where `bin/service.ts` and the benchmarks' own scripts run from. */
export const projectRoot = path.join(here, '..');

/** A child process of the run: its pid and the tail of its output, for errors. */
export interface Child {
  name: string;
  process: ChildProcess;
  output(): string;
}

/** Starts `node <args>` in `cwd` with `childEnv` (and the PATH) alone. */
export function startChild(name: string, args: string[], childEnv: Record<string, string>, cwd = projectRoot): Child {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...childEnv, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { name, process: child, output: () => output };
}

/**
 * Node arguments that make a service write a V8 CPU profile of its whole
 * life (its start too) into `<dir>/<service>/` when it stops (`--cpu-prof`);
 * none without `dir`. For {@link BankProcessesOptions.nodeArgs}.
 */
export function profiledIn(dir: string | undefined): (service: string) => string[] {
  return (service) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, service)}`] : []);
}

/** Stops a child: SIGTERM, then SIGKILL if it is still there after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `check` every 200 ms until it holds; fails when the child exits or after 90 s. */
async function waitFor(child: Child, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.process.exitCode !== null) {
      throw new Error(`${child.name} exited (${child.process.exitCode}):\n${child.output()}`);
    }
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${child.name} ${what} within 90 s:\n${child.output()}`);
    await sleep(200);
  }
}

/** Waits until a POST of `{ __typename }` to `url` answers 200, or the child exits. */
export async function waitUntilServing(child: Child, url: string): Promise<void> {
  await waitFor(child, `did not serve ${url}`, () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(2_000),
    }).then(
      (r) => r.ok,
      () => false, // not listening yet
    ),
  );
}

/** Waits for a service's `/readyz`. */
export async function waitUntilReady(child: Child, url: string): Promise<void> {
  await waitFor(child, 'was not ready', () =>
    fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    ),
  );
}

/** `count` free ports, all different. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

export interface BankProcesses {
  /** The run's fresh keys (the peers of bench:gateways sign with the router's caller secret). */
  keys: ReturnType<typeof generateKeyConfig>;
  routerUrl: string;
  subgraphUrls: Record<string, string>;
  /** Every service's environment (the router's; each subgraph is given it without the router's secret). */
  serviceEnv: Record<string, string>;
  /** One per implemented subgraph, in {@link IMPLEMENTED_SUBGRAPHS} order. */
  subgraphs: Child[];
  router: Child;
  /** The redis-server's process id, when this started one (not with REDIS_URL). */
  redisPid: number | undefined;
  /** Stops the router and the subgraphs, then the redis-server this started (if any). */
  stop(): Promise<void>;
}

export interface BankProcessesOptions {
  databases: BenchDatabases;
  /** A folder of the run's own, for the redis-server's files. */
  dir: string;
  /** Settings of every service, over the defaults here. */
  env?: Record<string, string>;
  /** Extra Node arguments of each service (`--cpu-prof`, say), by service name. */
  nodeArgs?: (service: string) => string[];
}

/**
 * Starts a redis-server (or uses REDIS_URL), every implemented subgraph (one
 * at a time: each migrates its own database) and the router, each in its
 * own process, and resolves once all of them are ready.
 */
export async function startBankProcesses(options: BankProcessesOptions): Promise<BankProcesses> {
  const { databases, dir } = options;
  const nodeArgs = options.nodeArgs ?? (() => []);
  const children: Child[] = [];
  let redis: RunningRedis | undefined;
  const stop = async () => {
    await Promise.all(children.map((c) => stopChild(c.process)));
    await redis?.stop();
  };
  try {
    const redisSource = await findTestRedis();
    if (!redisSource) throw new Error('this benchmark needs redis-server on the PATH or REDIS_URL (see the README).');
    redis = 'url' in redisSource ? undefined : await startRedisServer(redisSource.binary, dir);
    const redisUrl = 'url' in redisSource ? redisSource.url : (redis as RunningRedis).url;
    const keys = generateKeyConfig();
    const [routerPort, metricsPort, ...subgraphPorts] = await freePorts(2 + IMPLEMENTED_SUBGRAPHS.length);
    const ports = Object.fromEntries(IMPLEMENTED_SUBGRAPHS.map((n, i) => [n, subgraphPorts[i]]));
    const subgraphUrls = Object.fromEntries(
      IMPLEMENTED_SUBGRAPHS.map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`]),
    );
    const routerUrl = `http://127.0.0.1:${routerPort}/graphql`;
    const serviceEnv = testEnv(databases.urls, {
      ...keyEnvironment(keys),
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      REDIS_URL: redisUrl,
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      ROUTER_PORT: String(routerPort),
      ROUTER_URL: routerUrl,
      ...Object.fromEntries(
        IMPLEMENTED_SUBGRAPHS.flatMap((n) => [
          [`${n.toUpperCase()}_PORT`, String(ports[n])],
          [`${n.toUpperCase()}_URL`, subgraphUrls[n]],
        ]),
      ),
      ...options.env,
    });
    const subgraphs = IMPLEMENTED_SUBGRAPHS.map((n) =>
      startChild(n, [...nodeArgs(n), 'bin/service.ts', 'subgraph', n], subgraphEnv(serviceEnv)),
    );
    children.push(...subgraphs);
    for (const [i, child] of subgraphs.entries()) {
      await waitUntilReady(child, subgraphUrls[IMPLEMENTED_SUBGRAPHS[i] as string] as string);
    }
    // The router serves /metrics on a port of its own (as production does); subgraphs on theirs.
    const router = startChild('router', [...nodeArgs('router'), 'bin/service.ts', 'router'], {
      ...serviceEnv,
      METRICS_PORT: String(metricsPort),
    });
    children.push(router);
    await waitUntilReady(router, routerUrl);
    return { keys, routerUrl, subgraphUrls, serviceEnv, subgraphs, router, redisPid: redis?.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
