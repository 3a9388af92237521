/**
 * Our router side by side with stock @apollo/gateway, Hive Gateway and a
 * client that calls the subgraphs directly, over the same subgraphs and the
 * same seeded bank, in one run.
 *
 *   npm run bench:gateways              the full comparison (about 15 minutes)
 *   npm run bench:gateways -- --quick   a small one that proves the harness (CI)
 *
 * Everything runs as in production, one process each: an embedded
 * PostgreSQL and a redis-server in a temporary folder, the six subgraphs and
 * our router (`bin/service.ts`, NODE_ENV=production), the two peers
 * (bench/gateways/stock-gateway.ts, bench/gateways/hive-gateway.ts), and the
 * load from processes of its own (bench/gateways/load.ts: autocannon; the
 * direct client bench/gateways/direct-client.ts is its own load). It seeds
 * the bank through our router, checks that every target returns identical
 * data for each operation, then runs each operation against each target for
 * a fixed time after an uncounted warm-up, targets alternated over rounds.
 * It reads each process's CPU time and peak RSS from /proc around each run.
 *
 * Results: a table on stdout, and `bench/results/gateways-<time>.json` and
 * `.md` (`--quick` writes to the folder `BENCH_RESULTS_DIR` names, or none).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IMPLEMENTED_SUBGRAPHS } from '../bin/subgraphs.ts';
import { createLogger } from '../platform/logger.ts';
import {
  freePorts,
  profiledIn,
  projectRoot,
  startBankProcesses,
  startChild,
  stopChild,
  waitUntilReady,
  waitUntilServing,
  type BankProcesses,
  type Child,
} from './processes.ts';
import { cpuMsOf, machineLine, median, postgresVersion, startBenchDatabases, type BenchDatabases } from './support.ts';
import { seed, type SeedSize } from './gateways/seed.ts';
import { OPERATIONS, requestOf, type BenchSetup, type OperationName } from './gateways/setup.ts';

const QUICK = process.argv.includes('--quick');
const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);

const SIZE: SeedSize = QUICK
  ? { users: 3, transactions: 4, billsPerUser: 1, loansPerUser: 1, conversationsPerUser: 1 }
  : { users: num('BENCH_USERS', 200), transactions: 50, billsPerUser: 3, loansPerUser: 2, conversationsPerUser: 2 };
const DURATION_MS = num('BENCH_DURATION_MS', QUICK ? 1_000 : 15_000);
const WARMUP_MS = num('BENCH_WARMUP_MS', QUICK ? 0 : 3_000);
const ROUNDS = num('BENCH_ROUNDS', QUICK ? 1 : 3);
const CONNECTIONS = num('BENCH_CONNECTIONS', QUICK ? 4 : 32);
const TARGETS = ['ours', 'baseline', 'stock', 'hive', 'direct'] as const;
type Target = (typeof TARGETS)[number];
/** Another checkout of the project (an earlier commit, say), whose router runs as the `baseline` target. */
const BASELINE = env.BENCH_BASELINE;
const chosenTargets = (env.BENCH_TARGETS?.split(',') ??
  TARGETS.filter((t) => t !== 'baseline' || BASELINE)) as Target[];
const chosenOperations = (env.BENCH_OPERATIONS?.split(',') ?? OPERATIONS) as OperationName[];
/** Where our services write CPU profiles (`--cpu-prof`, one folder per service, written when they stop), if anywhere. */
const PROFILE_DIR = env.BENCH_PROFILE_DIR;
const profiled = profiledIn(PROFILE_DIR);

const here = path.dirname(new URL(import.meta.url).pathname);
const root = projectRoot;

/** The peers and the baseline router: started here, stopped with the bank. */
const children: Child[] = [];

function start(name: string, args: string[], childEnv: Record<string, string>, cwd = root): Child {
  const child = startChild(name, args, childEnv, cwd);
  children.push(child);
  return child;
}

/** Runs a short-lived child to its end and returns its stdout (the last line), failing on a non-zero exit. */
async function runToEnd(name: string, args: string[]): Promise<string> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${stderr}`);
  return stdout.trim().split('\n').at(-1) ?? '';
}

/** Resets a process's peak RSS (Linux `clear_refs` 5), so the next reading is this run's peak. */
async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => undefined);
}

/** Peak RSS (MiB) since the last reset. */
function peakMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

interface LoadResult {
  requests: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  p50: number;
  p99: number;
  cpuMs?: number;
}

interface Run {
  round: number;
  operation: OperationName;
  target: Target;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  firstError?: string;
  /** CPU ms per request of the gateway (or of the direct client). */
  gatewayCpuMs: number;
  /** CPU ms per request of each subgraph. */
  subgraphCpuMs: Record<string, number>;
  gatewayPeakMiB: number;
  subgraphPeakMiB: Record<string, number>;
}

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bank-gateways-'));
  let databases: BenchDatabases | undefined;
  let bank: BankProcesses | undefined;
  const cleanUp = async () => {
    await Promise.all(children.map((c) => stopChild(c.process)));
    await bank?.stop();
    await databases?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    databases = await startBenchDatabases(logger);
    const serverVersion = await postgresVersion(databases.urls.banking as string);
    console.log(machineLine(serverVersion));
    console.log(`starting ${IMPLEMENTED_SUBGRAPHS.length} subgraphs and the router, one process each`);
    bank = await startBankProcesses({
      databases,
      dir,
      env: {
        DATABASE_POOL_MAX: '10',
        ACCESS_TOKEN_TTL_SECONDS: '3600',
        // Step-up stays on (production refuses it off) but never asks: the users move their own money in small amounts.
        STEP_UP_NEW_PAYEE: 'false',
        STEP_UP_THRESHOLD: '1000000.00',
      },
      nodeArgs: profiled,
    });
    const { keys, routerUrl, subgraphUrls, serviceEnv, subgraphs, router } = bank;
    const [stockPort, hivePort, baselinePort, baselineMetricsPort] = await freePorts(4);

    const seedStarted = performance.now();
    const users = await seed(routerUrl, SIZE);
    console.log(`seeded ${users.length} users in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const setup: BenchSetup = {
      supergraphSdl: readFileSync(path.join(root, 'schema/supergraph.graphql'), 'utf8'),
      subgraphUrls,
      callerSecret: keys.routerCallerSecret,
      tokenPublicKey: keys.jwtPublicKey,
      users,
    };
    const setupFile = path.join(dir, 'setup.json');
    await writeFile(setupFile, JSON.stringify(setup), { mode: 0o600 });

    const gatewayUrls: Partial<Record<Target, string>> = { ours: routerUrl };
    const gateways: Partial<Record<Target, Child>> = { ours: router };
    if (chosenTargets.includes('baseline')) {
      if (!BASELINE) throw new Error('the baseline target needs BENCH_BASELINE: the folder of another checkout');
      gateways.baseline = start(
        'baseline router',
        ['bin/service.ts', 'router'],
        { ...serviceEnv, ROUTER_PORT: String(baselinePort), METRICS_PORT: String(baselineMetricsPort) },
        BASELINE,
      );
      gatewayUrls.baseline = `http://127.0.0.1:${baselinePort}/graphql`;
      await waitUntilReady(gateways.baseline, gatewayUrls.baseline);
    }
    if (chosenTargets.includes('stock')) {
      const port = stockPort as number;
      gateways.stock = start('stock gateway', ['bench/gateways/stock-gateway.ts', setupFile, String(port)], {
        NODE_ENV: 'production',
      });
      gatewayUrls.stock = `http://127.0.0.1:${port}/`;
    }
    if (chosenTargets.includes('hive')) {
      const port = hivePort as number;
      gateways.hive = start('hive gateway', ['bench/gateways/hive-gateway.ts', setupFile, String(port)], {
        NODE_ENV: 'production',
      });
      gatewayUrls.hive = `http://127.0.0.1:${port}/graphql`;
    }
    for (const target of ['stock', 'hive'] as const) {
      const child = gateways[target];
      if (child) await waitUntilServing(child, gatewayUrls[target] as string);
    }

    // Identical data before anything is measured.
    const first = users[0];
    if (!first) throw new Error('no users');
    for (const operation of chosenOperations) {
      const answers: Partial<Record<Target, string>> = {};
      for (const target of chosenTargets) {
        let text: string;
        if (target === 'direct') {
          text = await runToEnd('direct client', ['bench/gateways/direct-client.ts', setupFile, 'once', operation]);
        } else {
          const response = await fetch(gatewayUrls[target] as string, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${first.token}` },
            body: JSON.stringify(requestOf(operation, first, 1_000_000 + TARGETS.indexOf(target))),
          });
          text = await response.text();
        }
        const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown };
        if (body.errors || !body.data) throw new Error(`${target} answered ${operation} with ${text.slice(0, 500)}`);
        // A transfer's id differs each time: its answers are compared by shape.
        answers[target] =
          operation === 'transfer'
            ? JSON.stringify(body.data, (k, v: unknown) => (k === 'id' ? typeof v : v))
            : JSON.stringify(body.data);
      }
      const distinct = new Set(Object.values(answers));
      if (distinct.size !== 1) {
        for (const [target, answer] of Object.entries(answers)) console.error(`${target}: ${answer?.slice(0, 800)}`);
        throw new Error(`the targets do not return identical data for ${operation}`);
      }
      console.log(
        `${operation}: every target returns the same data (${(answers.ours ?? answers.direct ?? '').length} bytes of JSON)`,
      );
    }

    const runs: Run[] = [];
    const measure = async (round: number, operation: OperationName, target: Target): Promise<Run> => {
      const loadArgs = (ms: number) =>
        target === 'direct'
          ? ['bench/gateways/direct-client.ts', setupFile, 'load', operation, String(ms), String(CONNECTIONS)]
          : [
              'bench/gateways/load.ts',
              setupFile,
              gatewayUrls[target] as string,
              operation,
              String(ms),
              String(CONNECTIONS),
            ];
      if (WARMUP_MS > 0) await runToEnd(`${target} warm-up`, loadArgs(WARMUP_MS));
      const gateway = target === 'direct' ? undefined : gateways[target];
      const watched = [...(gateway ? [gateway] : []), ...subgraphs];
      for (const child of watched) await resetPeak(child.process.pid as number);
      const before = watched.map((c) => cpuMsOf(c.process.pid as number));
      const result = JSON.parse(await runToEnd(`${target} load`, loadArgs(DURATION_MS))) as LoadResult;
      const used = watched.map((c, i) => cpuMsOf(c.process.pid as number) - (before[i] as number));
      const perRequest = (ms: number) => (result.requests > 0 ? ms / result.requests : Number.NaN);
      const subgraphUsed = gateway ? used.slice(1) : used;
      return {
        round,
        operation,
        target,
        rps: result.requests / (result.elapsedMs / 1000),
        p50: result.p50,
        p99: result.p99,
        requests: result.requests,
        errors: result.errors,
        ...(result.firstError ? { firstError: result.firstError } : {}),
        gatewayCpuMs: perRequest(gateway ? (used[0] as number) : (result.cpuMs ?? Number.NaN)),
        subgraphCpuMs: Object.fromEntries(subgraphs.map((c, i) => [c.name, perRequest(subgraphUsed[i] as number)])),
        gatewayPeakMiB: gateway ? peakMiB(gateway.process.pid as number) : Number.NaN,
        subgraphPeakMiB: Object.fromEntries(subgraphs.map((c) => [c.name, peakMiB(c.process.pid as number)])),
      };
    };
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const operation of chosenOperations) {
        // Alternate: each round starts with the next target.
        const order = chosenTargets.map((_, i) => chosenTargets[(i + round - 1) % chosenTargets.length] as Target);
        for (const target of order) {
          const run = await measure(round, operation, target);
          runs.push(run);
          const subgraphTotal = Object.values(run.subgraphCpuMs).reduce((a, b) => a + b, 0);
          console.log(
            `round ${round} ${operation.padEnd(9)} ${target.padEnd(6)} ${run.rps.toFixed(1).padStart(7)} req/s  p50 ${run.p50.toFixed(1)} ms  p99 ${run.p99.toFixed(1)} ms  ` +
              `${target === 'direct' ? 'client' : 'gateway'} CPU ${run.gatewayCpuMs.toFixed(2)} ms/req  subgraphs ${subgraphTotal.toFixed(2)} ms/req  errors ${run.errors}${run.firstError ? ` (${run.firstError.slice(0, 200)})` : ''}`,
          );
        }
      }
    }
    const settings: Settings = {
      quick: QUICK,
      size: SIZE,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
    };
    const report = summarize(runs, machineLine(serverVersion), settings);
    console.log(`\n${report.markdown}`);
    const resultsDir = QUICK ? env.BENCH_RESULTS_DIR : (env.BENCH_RESULTS_DIR ?? path.join(here, 'results'));
    if (resultsDir) {
      await mkdir(resultsDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const base = path.join(resultsDir, `gateways-${QUICK ? 'quick-' : ''}${stamp}`);
      await writeFile(
        `${base}.json`,
        `${JSON.stringify({ machine: machineLine(serverVersion), settings, runs, medians: report.medians }, null, 2)}\n`,
      );
      await writeFile(`${base}.md`, `${report.markdown}\n`);
      console.log(`results: ${base}.json and .md`);
    }
    const failed = runs.filter((r) => r.errors > 0 || r.requests === 0);
    if (failed.length > 0) throw new Error(`${failed.length} runs had errors or no requests`);
  } finally {
    await cleanUp();
  }
}

interface Medians {
  operation: OperationName;
  target: Target;
  rps: number;
  p50: number;
  p99: number;
  gatewayCpuMs: number;
  subgraphCpuMs: Record<string, number>;
  gatewayPeakMiB: number;
  subgraphPeakMiB: Record<string, number>;
}

interface Settings {
  quick: boolean;
  size: SeedSize;
  durationMs: number;
  warmupMs: number;
  rounds: number;
  connections: number;
}

function summarize(runs: Run[], machine: string, settings: Settings): { medians: Medians[]; markdown: string } {
  const chosenOperations = [...new Set(runs.map((r) => r.operation))];
  const chosenTargets = TARGETS.filter((t) => runs.some((r) => r.target === t));
  const medians: Medians[] = [];
  for (const operation of chosenOperations) {
    for (const target of chosenTargets) {
      // A run with errors (timeouts of an overloaded machine, say) is reported, not counted.
      const of = runs.filter((r) => r.operation === operation && r.target === target && r.errors === 0);
      if (of.length === 0) continue;
      const names = Object.keys(of[0]?.subgraphCpuMs ?? {});
      medians.push({
        operation,
        target,
        rps: median(of.map((r) => r.rps)),
        p50: median(of.map((r) => r.p50)),
        p99: median(of.map((r) => r.p99)),
        gatewayCpuMs: median(of.map((r) => r.gatewayCpuMs)),
        subgraphCpuMs: Object.fromEntries(names.map((n) => [n, median(of.map((r) => r.subgraphCpuMs[n] as number))])),
        gatewayPeakMiB: Math.max(...of.map((r) => r.gatewayPeakMiB)),
        subgraphPeakMiB: Object.fromEntries(
          names.map((n) => [n, Math.max(...of.map((r) => r.subgraphPeakMiB[n] as number))]),
        ),
      });
    }
  }
  const cell = (m: Medians | undefined) => {
    if (!m) return 'not run';
    const sub = Object.values(m.subgraphCpuMs).reduce((a, b) => a + b, 0);
    const who = m.target === 'direct' ? 'client' : 'gateway';
    return `${m.rps.toFixed(1)} req/s, p50 ${m.p50.toFixed(1)} / p99 ${m.p99.toFixed(1)} ms, ${who} CPU ${m.gatewayCpuMs.toFixed(2)} ms/req, subgraphs ${sub.toFixed(2)} ms/req`;
  };
  const find = (operation: OperationName, target: Target) =>
    medians.find((m) => m.operation === operation && m.target === target);
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a';
  const failed = runs.filter((r) => r.errors > 0 || r.requests === 0);
  const lines = [
    ...(failed.length > 0
      ? [
          `Left out of the medians: ${failed.map((r) => `round ${r.round} ${r.operation} ${r.target} (${r.errors} errors${r.firstError ? `: ${r.firstError.slice(0, 120)}` : ''})`).join('; ')}.`,
          '',
        ]
      : []),
    `Medians of ${settings.rounds} round(s), ${settings.connections} connections, ${settings.durationMs / 1000} s per run, ${settings.size.users} users. ${machine}.`,
    '',
    `| operation | ${chosenTargets.join(' | ')} |`,
    `|---|${chosenTargets.map(() => '---').join('|')}|`,
    ...chosenOperations.map((o) => `| ${o} | ${chosenTargets.map((t) => cell(find(o, t))).join(' | ')} |`),
    '',
    '| operation | throughput ours / stock | ours / hive | ours / direct | ours / baseline | router CPU / direct client CPU | router CPU ours / baseline |',
    '|---|---|---|---|---|---|---|',
    ...chosenOperations.map((o) => {
      const ours = find(o, 'ours');
      return `| ${o} | ${ratio(ours?.rps, find(o, 'stock')?.rps)} | ${ratio(ours?.rps, find(o, 'hive')?.rps)} | ${ratio(ours?.rps, find(o, 'direct')?.rps)} | ${ratio(ours?.rps, find(o, 'baseline')?.rps)} | ${ratio(ours?.gatewayCpuMs, find(o, 'direct')?.gatewayCpuMs)} | ${ratio(ours?.gatewayCpuMs, find(o, 'baseline')?.gatewayCpuMs)} |`;
    }),
    '',
    'CPU ms per request of each subgraph (median), and peak RSS (MiB) of each process over the runs:',
    '',
    `| operation | target | ${Object.keys(medians[0]?.subgraphCpuMs ?? {}).join(' | ')} | gateway peak RSS |`,
    `|---|---|${Object.keys(medians[0]?.subgraphCpuMs ?? {})
      .map(() => '---')
      .join('|')}|---|`,
    ...medians.map(
      (m) =>
        `| ${m.operation} | ${m.target} | ${Object.keys(m.subgraphCpuMs)
          .map(
            (n) =>
              `${(m.subgraphCpuMs[n] as number).toFixed(2)} ms, ${(m.subgraphPeakMiB[n] as number).toFixed(0)} MiB`,
          )
          .join(' | ')} | ${Number.isFinite(m.gatewayPeakMiB) ? `${m.gatewayPeakMiB.toFixed(0)} MiB` : '-'} |`,
    ),
  ];
  return { medians, markdown: lines.join('\n') };
}

/** `--report <results.json>`: the markdown of a results file again (after a change to how it is summarized). */
async function report(file: string): Promise<void> {
  const results = JSON.parse(readFileSync(file, 'utf8')) as { machine: string; settings: Settings; runs: Run[] };
  const { medians, markdown } = summarize(results.runs, results.machine, results.settings);
  await writeFile(file, `${JSON.stringify({ ...results, medians }, null, 2)}\n`);
  await writeFile(file.replace(/\.json$/, '.md'), `${markdown}\n`);
  console.log(markdown);
}

const reportFile = process.argv.indexOf('--report');
// Exits when done: a client library's idle handle must not keep a finished run waiting.
(reportFile >= 0 ? report(process.argv[reportFile + 1] ?? '') : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
