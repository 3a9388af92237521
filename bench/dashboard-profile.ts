/**
 * CPU per dashboard, service by service: how much each subgraph (and the
 * router) spends on one `DASHBOARD` (bench/gateways/operations.ts), with an
 * optional CPU profile of each.
 *
 *   node bench/dashboard-profile.ts
 *   BENCH_ROUNDS=3 BENCH_BASELINE=../other-checkout node bench/dashboard-profile.ts
 *   BENCH_PROFILE_DIR=/tmp/profiles node bench/dashboard-profile.ts
 *   node bench/cpu-profile-summary.ts /tmp/profiles/this/banking.cpuprofile
 *
 * It starts an embedded PostgreSQL in a temporary folder and seeds it through
 * the whole stack in this process (`startStack`, as `npm start` does, so that
 * events flow: messaging must know a banker before a customer can write to
 * them): bankers with lending profiles, and business owners with 2 or 3 USD
 * accounts of about 50 transactions each (deposits, and transfers between
 * their own accounts), 3 bills, 2 loan applications and 2 conversations with
 * bankers, and records the fetches a router sends each subgraph for each
 * owner's dashboard. Then it starts the router and the five subgraphs the
 * dashboard reaches as separate processes on those databases
 * (bench/dashboard-service.ts), configured as production
 * (NODE_ENV=production, silent logs, the same fresh keys), and in each round
 * runs the dashboard through the router with a fixed number of requests in
 * flight, each as the next owner, for a fixed time after an uncounted
 * warm-up; then sends each subgraph, alone, its own recorded fetches (the
 * router's body and headers, signed afresh), for its CPU per dashboard
 * without the others competing for the cores. It prints each round's rate,
 * latencies and the CPU each process spent per dashboard (user + system, from
 * `process.cpuUsage()` in each process; PostgreSQL's, every process of the
 * server, from `/proc`, through the router only), and the medians. With
 * BENCH_BASELINE, the services of that checkout run beside this one's on the
 * same data and every step alternates between the two: before/after figures
 * of a change, with the median of the rounds' ratios. With BENCH_PROFILE_DIR,
 * it writes a V8 CPU profile of each process over the rounds.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, type RunningStack } from '../bin/stack.ts';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { Pool } from 'undici';
import { CALLER_HEADER, operationHash, signCallerHeader, verifyCallerHeader, type Caller } from '../platform/caller.ts';
import {
  SUBGRAPH_NAMES,
  callerKeyOf,
  callerKeyVariable,
  loadConfig,
  type Config,
  type SubgraphName,
} from '../platform/config.ts';
import { generateEs256KeyPair } from '../platform/keys.ts';
import { listen, readBody } from '../platform/http-server.ts';
import { createLogger } from '../platform/logger.ts';
import { startRouter } from '../router/src/router.ts';
import { addBill, dayFromToday } from '../test/support/billing.ts';
import { bankerWithProfile, businessOwner, deposit, openAccount, submitApplication } from '../test/support/lending.ts';
import { inParallel } from '../test/support/parallel.ts';
import { must, startConversation, type SignedUp } from '../test/support/people.ts';
import { testEnv } from '../test/support/stack.ts';
import type { ServiceMessage, ServiceQuestion } from './dashboard-service.ts';
import { DASHBOARD } from './gateways/operations.ts';
import {
  freePort,
  graphql,
  machineLine,
  median,
  percentile,
  postgresCpuMs,
  postgresVersion,
  startBenchDatabases,
  type BenchDatabases,
  subgraphEnv,
} from './support.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 15_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const USERS = Number(process.env.BENCH_USERS ?? 20);
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 10);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** Where to write the figures of every round as JSON. */
const JSON_FILE = process.env.BENCH_JSON;
/** Each subgraph alone: warm-up and measured time of its direct run. */
const DIRECT_WARMUP_MS = Number(process.env.BENCH_DIRECT_WARMUP_MS ?? 1_000);
const DIRECT_DURATION_MS = Number(process.env.BENCH_DIRECT_DURATION_MS ?? 5_000);
/** Measured rounds (each checkout once per round). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
/** Another checkout of this repository whose services are measured too, alternating with this one's. */
const BASELINE = process.env.BENCH_BASELINE;
const BANKERS = 4;
const DEPOSITS_PER_ACCOUNT = 20;
/** Each account sends this many transfers to the owner's next account (and receives as many). */
const TRANSFERS_PER_ACCOUNT = 15;
const BILLS = 3;
const APPLICATIONS = 2;
const CONVERSATIONS = 2;
const ACCOUNT_TYPES = ['CHECKING', 'SAVINGS', 'BUSINESS'] as const;

/** The processes measured: the router and the subgraphs the dashboard reaches. */
const SUBGRAPHS: SubgraphName[] = ['identity', 'banking', 'billing', 'lending', 'messaging'];
type ServiceName = 'router' | SubgraphName;
const SERVICES: ServiceName[] = ['router', ...SUBGRAPHS];

const TRANSFER = `mutation($input: TransferInput!) { transfer(input: $input) { id } }`;

/** Seeds the data through a stack in this process; returns the owners, signed in. */
async function seed(routerUrl: string): Promise<SignedUp[]> {
  const bankers = await Promise.all(
    Array.from({ length: BANKERS }, (_, i) => bankerWithProfile(routerUrl, `banker${i}`)),
  );
  const { billers } = await must<{ billers: { id: string }[] }>(routerUrl, '{ billers { id } }', {}, bankers[0]!.token);
  const owners: SignedUp[] = [];
  await inParallel(USERS, 4, async (u) => {
    const owner = await businessOwner(routerUrl, `owner${u}`);
    owners[u] = owner;
    const count = 2 + (u % 2);
    const accounts: string[] = [];
    for (let i = 0; i < count; i += 1) accounts.push(await openAccount(routerUrl, owner, ACCOUNT_TYPES[i]));
    for (const account of accounts) {
      for (let d = 0; d < DEPOSITS_PER_ACCOUNT; d += 1) await deposit(routerUrl, owner, account, `${100 + d * 7}.00`);
    }
    for (let t = 0; t < TRANSFERS_PER_ACCOUNT; t += 1) {
      for (const [i, from] of accounts.entries()) {
        await must(
          routerUrl,
          TRANSFER,
          {
            input: {
              fromAccountId: from,
              toAccountId: accounts[(i + 1) % accounts.length],
              amount: `${1 + ((t * 13 + i) % 40)}.25`,
              idempotencyKey: `seed-${u}-${i}-${t}`,
              description: `Transfer ${t}`,
            },
          },
          owner.token,
        );
      }
    }
    for (let b = 0; b < BILLS; b += 1) {
      await addBill(routerUrl, owner, {
        billerId: billers[(u + b) % billers.length]!.id,
        dueDate: dayFromToday(3 + b * 9),
        customerReference: `REF-${u}-${b}`,
      });
    }
    for (let a = 0; a < APPLICATIONS; a += 1) await submitApplication(routerUrl, owner, bankers[(u + a) % BANKERS]!);
    for (let c = 0; c < CONVERSATIONS; c += 1) {
      const banker = bankers[(u + c) % BANKERS]!;
      await startConversation(routerUrl, owner.token, {
        participantId: banker.id,
        subject: `Question ${c} for ${banker.name}`,
        body: 'Could we talk about a line of credit next week?',
      });
    }
  });
  return owners;
}

/** A service in a child process, and the way to ask it things. */
interface Service {
  name: ServiceName;
  /** Its `process.cpuUsage()`. */
  cpu(): Promise<NodeJS.CpuUsage>;
  /** Starts its CPU profiler, or stops it and writes the profile to `file`. */
  profile(file?: string): Promise<void>;
  stop(): Promise<void>;
}

function startService(script: string, name: ServiceName, env: Record<string, string>): Promise<Service> {
  const child = fork(script, [name], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const waiting = new Map<number, (message: ServiceMessage) => void>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = (question: ServiceQuestion) =>
    new Promise<ServiceMessage>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, (message) =>
        message.type === 'failed' ? reject(new Error(`${name}: ${message.message}`)) : resolve(message),
      );
      child.send({ ...question, id });
    });
  const service: Service = {
    name,
    async cpu() {
      const answer = await ask({ type: 'cpu' });
      if (answer.type !== 'cpu') throw new Error(`${name} answered ${answer.type} to cpu`);
      return answer.cpu;
    },
    async profile(file) {
      await ask(file === undefined ? { type: 'profile-start' } : { type: 'profile-stop', file });
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.on('message', (message: ServiceMessage) => {
      if (message.type === 'ready') return resolve(service);
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    });
  });
}

/** Milliseconds of CPU (user + system) between two readings. */
const cpuMs = (before: NodeJS.CpuUsage, after: NodeJS.CpuUsage) =>
  (after.user - before.user + after.system - before.system) / 1000;

interface Run {
  ok: number;
  failed: number;
  firstError: string | undefined;
  elapsedMs: number;
  latenciesMs: number[];
}

/** Runs dashboards, each as the next owner, from `CONCURRENCY` loops until `until`. */
async function dashboards(routerUrl: string, owners: SignedUp[], until: number): Promise<Run> {
  const run: Run = { ok: 0, failed: 0, firstError: undefined, elapsedMs: 0, latenciesMs: [] };
  const started = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const owner = owners[n++ % owners.length]!;
        const sent = performance.now();
        const result = await graphql(routerUrl, DASHBOARD, {}, owner.token).catch((error: unknown) => ({
          errors: [{ message: error instanceof Error ? error.message : String(error) }],
          data: null,
        }));
        if (result.errors || !result.data) {
          run.failed += 1;
          run.firstError ??= JSON.stringify(result.errors);
        } else {
          run.ok += 1;
          run.latenciesMs.push(performance.now() - sent);
        }
      }
    }),
  );
  run.elapsedMs = performance.now() - started;
  return run;
}

/** One subgraph fetch of a dashboard, as the router sent it (signed again for each replay). */
interface Fetch {
  subgraph: SubgraphName;
  query: string;
  variables: Record<string, unknown>;
  caller: Caller;
  /** The other headers the router sent (request id, content type), replayed as they were. */
  headers: Record<string, string>;
  /** The body as the router sent it. */
  body: string;
}

/** Headers of a recorded fetch that the replay sets itself: the connection's own, and the caller header it signs again. */
const NOT_REPLAYED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', CALLER_HEADER]);

/**
 * The subgraph fetches of each owner's dashboard: a second router of the
 * seeding stack, whose subgraph URLs are proxies that record what it sends
 * (the operation, its variables, and the caller it signed for).
 */
async function captureFetches(stack: RunningStack, config: Config, owners: SignedUp[]): Promise<Fetch[][]> {
  let current: Fetch[] = [];
  const proxies = await Promise.all(
    SUBGRAPHS.map(async (subgraph) => {
      const target = stack.subgraphs[subgraph]!.url;
      const server = createServer((req, res) => {
        void (async () => {
          const body = await readBody(req);
          const header = String(req.headers[CALLER_HEADER]);
          const { query, variables = {} } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
          current.push({
            subgraph,
            query,
            variables,
            caller: verifyCallerHeader(callerKeyOf(config, subgraph)!, header, query, variables),
            headers: Object.fromEntries(
              Object.entries(req.headers).flatMap(([name, value]): [string, string][] =>
                NOT_REPLAYED.has(name) || value === undefined ? [] : [[name, String(value)]],
              ),
            ),
            body,
          });
          const answer = await fetch(target, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [CALLER_HEADER]: header },
            body,
          });
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })();
      });
      const { port } = await listen(server, 0, '127.0.0.1');
      return { subgraph, server, url: `http://127.0.0.1:${port}/graphql` };
    }),
  );
  const router = await startRouter({
    config,
    logger: createLogger({ logLevel: 'silent' }, 'capture'),
    bus: stack.bus,
    port: 0,
    metricsPort: 0,
    subgraphUrls: Object.fromEntries(proxies.map((p) => [p.subgraph, p.url])),
  });
  try {
    const sets: Fetch[][] = [];
    for (const owner of owners) {
      current = [];
      const result = await graphql(router.url, DASHBOARD, {}, owner.token);
      if (result.errors || !result.data) throw new Error(`dashboard failed: ${JSON.stringify(result.errors)}`);
      sets.push(current);
    }
    return sets;
  } finally {
    await router.close();
    for (const { server } of proxies) server.close();
  }
}

/**
 * Sends each owner's fetches of `subgraph` (one dashboard's worth), signed
 * afresh, from `CONCURRENCY` loops until `until`; returns how many
 * dashboards' worth were sent and the first error. Each goes as the router
 * sends it (router/src/subgraph-fetcher.ts): undici's `request` over
 * keep-alive connections, with the router's headers and nothing else (the
 * global `fetch` would add `accept: *\/*` and others, which the subgraph would
 * then parse and negotiate on every fetch).
 */
async function replay(
  url: string,
  subgraph: SubgraphName,
  sets: Fetch[][],
  sign: Signer,
  until: number,
): Promise<{ count: number; firstError: string | undefined }> {
  let n = 0;
  let count = 0;
  let firstError: string | undefined;
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: CONCURRENCY });
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < until) {
          for (const f of sets[n++ % sets.length]!.filter((f) => f.subgraph === subgraph)) {
            const response = await pool.request({
              path: target.pathname,
              method: 'POST',
              headers: { ...f.headers, [CALLER_HEADER]: sign(subgraph, f.caller, f.query, f.variables) },
              body: f.body,
            });
            const body = (await response.body.json()) as { errors?: unknown };
            if (body.errors) firstError ??= JSON.stringify(body.errors).slice(0, 200);
          }
          count += 1;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return { count, firstError };
}

/** The figures of one checkout in one round. */
interface Figures {
  checkout: string;
  rate: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  firstError: string | undefined;
  /** CPU ms per dashboard by process, the subgraphs' sum, the load generator's and PostgreSQL's. */
  cpu: Record<ServiceName | 'subgraphs' | 'client' | 'postgres', number>;
  /** Connections the services opened to PostgreSQL per 100 dashboards (its `pg_stat_database.sessions`). */
  connections: number;
  /** CPU ms per dashboard of each subgraph sent its own fetches directly, alone, and their sum. */
  direct: Record<SubgraphName | 'subgraphs', number>;
}

/** The router and the subgraphs of one checkout, running. */
/** Signs a caller header for a subgraph as the router of one checkout does. */
type Signer = (subgraph: SubgraphName, caller: Caller, query: string, variables: Record<string, unknown>) => string;

/**
 * How `checkout`'s subgraphs want the caller header: an HMAC with each subgraph's key, or, in checkouts from
 * before it (baselines), ES256 with the router's private key (ROUTER_SIGNING_PRIVATE_KEY, which the benchmark's
 * environment also holds for them).
 */
function signerOf(checkout: string, env: Record<string, string>): Signer {
  if (readFileSync(path.join(checkout, 'platform', 'caller.ts'), 'utf8').includes('export function callerKeyFor')) {
    // Each subgraph's own key, as the environment gives it to that subgraph.
    return (subgraph, caller, query, variables) =>
      signCallerHeader(env[callerKeyVariable(subgraph)] as string, caller, query, variables);
  }
  const privateKey = env.ROUTER_SIGNING_PRIVATE_KEY as string;
  return (_subgraph, caller, query, variables) => {
    const user = caller.kind === 'user' ? caller : undefined;
    const claims = {
      roles: user ? [...user.roles] : [],
      op: operationHash(query, variables),
      ...(user?.sessionId === undefined ? {} : { sid: user.sessionId }),
      ...(user?.amr === undefined ? {} : { amr: [...user.amr] }),
    };
    return jwt.sign(claims, privateKey, {
      algorithm: 'ES256',
      issuer: 'bank-router',
      audience: 'bank-subgraphs',
      expiresIn: 30,
      ...(user ? { subject: user.userId } : {}),
    });
  };
}

interface Deployment {
  checkout: string;
  sign: Signer;
  services: Service[];
  ports: Record<string, number>;
  routerUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the router and the subgraphs of `checkout` (a folder holding this
 * repository) as processes, each on a free port; the router finds the
 * subgraphs by URL. (The assistant is not started: the dashboard does not
 * reach it.)
 */
async function deploy(checkout: string, env: Record<string, string>): Promise<Deployment> {
  const ports: Record<string, number> = {};
  for (const name of ['router', ...SUBGRAPH_NAMES]) ports[name] = await freePort();
  const serviceEnv: Record<string, string> = {
    ...env,
    ROUTER_PORT: String(ports.router),
    ...Object.fromEntries(
      SUBGRAPH_NAMES.flatMap((n) => [
        [`${n.toUpperCase()}_PORT`, String(ports[n])],
        [`${n.toUpperCase()}_URL`, `http://127.0.0.1:${ports[n]}/graphql`],
      ]),
    ),
  };
  const script = path.join(checkout, 'bench', 'dashboard-service.ts');
  const started = await Promise.allSettled(
    // The production router serves /metrics on a port of its own: a free one.
    SERVICES.map((name) =>
      startService(script, name, name === 'router' ? { ...serviceEnv, METRICS_PORT: '0' } : subgraphEnv(serviceEnv)),
    ),
  );
  const services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(services.map((s) => s.stop()));
  };
  const failure = started.find((s) => s.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  return {
    checkout,
    sign: signerOf(checkout, env),
    services,
    ports,
    routerUrl: `http://127.0.0.1:${ports.router}/graphql`,
    stop,
  };
}

/**
 * One round over every deployment, alternating between them as closely as
 * possible (other work on the machine then weighs on each alike): the
 * dashboard through each router in turn, then each subgraph of each
 * deployment in turn sent its own fetches alone.
 */
async function measureRound(
  deployments: Deployment[],
  owners: SignedUp[],
  sets: Fetch[][],
  sessions: () => Promise<number>,
): Promise<Figures[]> {
  const figures: Figures[] = [];
  for (const d of deployments) {
    await dashboards(d.routerUrl, owners, Date.now() + WARMUP_MS);
    const reading = async () => ({
      services: await Promise.all(d.services.map((s) => s.cpu())),
      client: process.cpuUsage(),
      postgres: postgresCpuMs(),
      sessions: await sessions(),
    });
    const before = await reading();
    const run = await dashboards(d.routerUrl, owners, Date.now() + DURATION_MS);
    const after = await reading();
    const perRequest = (ms: number) => ms / Math.max(1, run.ok + run.failed);
    const cpu = Object.fromEntries(
      d.services.map((s, i) => [s.name, perRequest(cpuMs(before.services[i]!, after.services[i]!))]),
    ) as Figures['cpu'];
    cpu.subgraphs = SUBGRAPHS.reduce((sum, name) => sum + cpu[name], 0);
    cpu.client = perRequest(cpuMs(before.client, after.client));
    cpu.postgres = perRequest(after.postgres - before.postgres);
    const connections = (100 * (after.sessions - before.sessions)) / Math.max(1, run.ok + run.failed);
    const sorted = [...run.latenciesMs].sort((a, b) => a - b);
    figures.push({
      checkout: d.checkout,
      rate: run.ok / (run.elapsedMs / 1000),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      ok: run.ok,
      failed: run.failed,
      firstError: run.firstError,
      cpu,
      connections,
      direct: { subgraphs: 0 } as Figures['direct'],
    });
  }
  // Each subgraph alone: its own fetches of the dashboards, sent straight to it.
  for (const name of SUBGRAPHS) {
    for (const [i, d] of deployments.entries()) {
      const service = d.services.find((s) => s.name === name)!;
      const url = `http://127.0.0.1:${d.ports[name]}/graphql`;
      await replay(url, name, sets, d.sign, Date.now() + DIRECT_WARMUP_MS);
      const before = await service.cpu();
      const replayed = await replay(url, name, sets, d.sign, Date.now() + DIRECT_DURATION_MS);
      const after = await service.cpu();
      if (replayed.firstError) throw new Error(`${name}: ${replayed.firstError}`);
      const direct = figures[i]!.direct;
      direct[name] = cpuMs(before, after) / Math.max(1, replayed.count);
      direct.subgraphs += direct[name];
    }
  }
  return figures;
}

/** The figures printed for each round, in order: through the router, then each subgraph alone. */
const COLUMNS: { title: string; of: (f: Figures) => number }[] = [
  ...[...SERVICES, 'subgraphs' as const, 'client' as const, 'postgres' as const].map((c) => ({
    title: c,
    of: (f: Figures) => f.cpu[c],
  })),
  { title: 'connections', of: (f: Figures) => f.connections },
  ...[...SUBGRAPHS, 'subgraphs' as const].map((c) => ({ title: `${c}*`, of: (f: Figures) => f.direct[c] })),
];

function line(label: string, f: Pick<Figures, 'rate' | 'p50' | 'p99'> & Partial<Figures>, values: number[]): string {
  const counts =
    f.ok === undefined
      ? ''
      : `  (${f.ok} ok, ${f.failed} failed${f.firstError ? `: ${f.firstError.slice(0, 200)}` : ''})`;
  return (
    `${label.padEnd(15)} ${f.rate.toFixed(1).padStart(6)}/s ${f.p50.toFixed(0).padStart(6)} ${f.p99.toFixed(0).padStart(6)}  ` +
    values.map((v, i) => v.toFixed(2).padStart(COLUMNS[i]!.title.length)).join(' ') +
    counts
  );
}

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  const here = fileURLToPath(new URL('..', import.meta.url));
  const checkouts = [...(BASELINE ? [path.resolve(BASELINE)] : []), here];
  let databases: BenchDatabases | undefined;
  process.once('SIGINT', () => {
    void databases?.stop().finally(() => process.exit(130));
  });

  try {
    databases = await startBenchDatabases(logger);
    const legacyRouterKeys = generateEs256KeyPair();
    const env = testEnv(databases.urls, {
      NODE_ENV: 'production',
      DATABASE_POOL_MAX: String(POOL_MAX),
      // As bench/transfers.ts: step-up stays on but never asks (the owners move money between their own accounts).
      STEP_UP_NEW_PAYEE: 'false',
      STEP_UP_THRESHOLD: '1000000.00',
      // The router's key pair of checkouts from before the caller MAC, for a baseline among them.
      ROUTER_SIGNING_PRIVATE_KEY: legacyRouterKeys.privateKey,
      ROUTER_SIGNING_PUBLIC_KEY: legacyRouterKeys.publicKey,
    });

    const seeding = performance.now();
    const config = loadConfig(env);
    const stack = await startStack({ config, logger, randomPorts: true });
    let owners: SignedUp[];
    let bytes: number;
    let sets: Fetch[][];
    try {
      owners = await seed(stack.routerUrl);
      for (const subgraph of Object.values(stack.subgraphs)) await subgraph.outbox?.drain();
      sets = await captureFetches(stack, config, owners);
      bytes = Buffer.byteLength(JSON.stringify(await graphql(stack.routerUrl, DASHBOARD, {}, owners[0]!.token)));
    } finally {
      await stack.close();
    }
    const seededIn = (performance.now() - seeding) / 1000;

    const machine = machineLine(await postgresVersion(databases.urls.identity as string));
    console.log(
      [
        'Dashboard: CPU per request of the router and of each subgraph, each in its own process',
        machine,
        `data: ${USERS} business owners (2-3 accounts of ~${DEPOSITS_PER_ACCOUNT + 2 * TRANSFERS_PER_ACCOUNT} transactions, ` +
          `${BILLS} bills, ${APPLICATIONS} loan applications, ${CONVERSATIONS} conversations each), ${BANKERS} bankers; ` +
          `seeded in ${seededIn.toFixed(0)} s; a dashboard is ${(bytes / 1024).toFixed(1)} KB`,
        `settings: concurrency ${CONCURRENCY}, ${DURATION_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up, pool ${POOL_MAX}, ` +
          `${ROUNDS} round(s), each subgraph alone for ${DIRECT_DURATION_MS / 1000} s after ${DIRECT_WARMUP_MS / 1000} s` +
          `${BASELINE ? `; every step alternates between the baseline (${checkouts[0]}) and this checkout` : ''}`,
        '',
        'CPU ms per dashboard of each process: through the router (with the connections opened to PostgreSQL per 100 dashboards), then (*) each subgraph sent its own fetches alone',
        `${'round'.padEnd(15)} ${'rate'.padStart(8)} ${'p50'.padStart(6)} ${'p99'.padStart(6)}  ` +
          COLUMNS.map((c) => c.title).join(' '),
      ].join('\n'),
    );
    const deployments: Deployment[] = [];
    const results: Figures[] = [];
    // One connection for every reading, opened before the rounds, so that reading adds no session.
    const statistics = new pg.Client({ connectionString: databases.urls.identity });
    await statistics.connect();
    const sessions = async () => {
      const { rows } = await statistics.query<{ sessions: string }>(
        'select pg_stat_clear_snapshot(), sum(sessions)::text as sessions from pg_stat_database',
      );
      return Number(rows[0]!.sessions);
    };
    try {
      for (const checkout of checkouts) deployments.push(await deploy(checkout, env));
      for (const d of deployments) {
        const first = await graphql(d.routerUrl, DASHBOARD, {}, owners[0]!.token);
        if (first.errors || !first.data) throw new Error(`dashboard failed: ${JSON.stringify(first.errors)}`);
      }
      const labelOf = (checkout: string) => (checkout === here ? 'this' : 'baseline');
      if (PROFILE_DIR) {
        await Promise.all(deployments.flatMap((d) => d.services.map((s) => s.profile())));
      }
      for (let round = 1; round <= ROUNDS; round += 1) {
        for (const figures of await measureRound(deployments, owners, sets, sessions)) {
          results.push(figures);
          console.log(
            line(
              `${labelOf(figures.checkout)} ${round}`,
              figures,
              COLUMNS.map((c) => c.of(figures)),
            ),
          );
        }
      }
      if (PROFILE_DIR) {
        for (const d of deployments) {
          const dir = path.join(PROFILE_DIR, labelOf(d.checkout));
          await mkdir(dir, { recursive: true });
          await Promise.all(d.services.map((s) => s.profile(path.join(dir, `${s.name}.cpuprofile`))));
        }
      }
    } finally {
      await statistics.end();
      for (const d of deployments) await d.stop();
    }
    if (ROUNDS > 1 || BASELINE) {
      console.log('');
      for (const checkout of checkouts) {
        const mine = results.filter((r) => r.checkout === checkout);
        const medianOf = (pick: (f: Figures) => number) => median(mine.map(pick));
        console.log(
          line(
            `${checkout === here ? 'this' : 'baseline'} median`,
            { rate: medianOf((f) => f.rate), p50: medianOf((f) => f.p50), p99: medianOf((f) => f.p99) },
            COLUMNS.map((c) => medianOf(c.of)),
          ),
        );
      }
    }
    if (BASELINE) {
      // Each round measures both checkouts back to back: the median of the rounds' ratios is steadier than
      // the ratio of medians when other work shares the machine.
      const ratios = COLUMNS.map((c) => {
        const pairs = results.flatMap((r, i) => (i % 2 === 1 ? [c.of(r) / c.of(results[i - 1]!)] : []));
        return `${c.title} ${median(pairs).toFixed(2)}`;
      });
      console.log(`this / baseline, median of the rounds' ratios: ${ratios.join(', ')}`);
    }
    if (PROFILE_DIR)
      console.log(`profiles: ${PROFILE_DIR}/<this|baseline>/<service>.cpuprofile (bench/cpu-profile-summary.ts)`);
    if (JSON_FILE) await writeFile(JSON_FILE, JSON.stringify(results, null, 2));
  } finally {
    await databases?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
