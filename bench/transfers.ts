/**
 * Transfers per second through the router, against the same SQL transaction
 * run directly on the same PostgreSQL, in one run.
 *
 *   npm run bench:transfers
 *   BENCH_DURATION_MS=30000 BENCH_CONCURRENCY=32 node bench/transfers.ts
 *
 * It starts everything itself: an embedded PostgreSQL in a temporary folder,
 * then the subgraphs and the router with `startStack` (as `npm start` does,
 * one process, subgraphs reached over HTTP) in a production configuration
 * (NODE_ENV=production, silent logs, fresh keys). With BENCH_PROCESSES=1 it
 * starts them as production runs them instead: each in a process of its own,
 * with a redis-server between them (bench/processes.ts, as bench:gateways
 * does). It registers users, opens 20 USD accounts and funds them, then runs
 * two phases with the same fixed concurrency, each for a fixed duration
 * (bounded in count), after an uncounted warm-up of each, in BENCH_SLICES
 * slices (3) that alternate between the two, so that a drift of the
 * machine's speed during the run falls on both:
 *
 *  (a) router: the `transfer` mutation over HTTP with the owner's token,
 *      between random pairs of the 20 accounts;
 *  (b) direct: the ledger's SQL transaction, written by hand with `pg` on the
 *      banking database (advisory lock on the idempotency key read with
 *      step-up's recent-change probe, idempotency lookup, SELECT ... FOR
 *      UPDATE of both accounts in id order, one statement updating both
 *      balances and inserting the transaction, its two entries, the
 *      idempotency record and the outbox event, COMMIT),
 *      each statement prepared (named), as the ledger's are.
 *
 * Besides rates and latencies, it prints the CPU per transfer of this
 * process and of PostgreSQL in each phase (with BENCH_PROCESSES=1, also of
 * the services' processes together), and, in one process, the SQL
 * statements per transfer each database received meanwhile (the outbox
 * relays, messaging's notifications and the jobs keep running in both
 * phases).
 *
 * With BENCH_PROFILE_DIR set, it writes a V8 CPU profile of each phase's
 * first slice there (`router.cpuprofile` and `direct.cpuprofile`, for
 * bench/cpu-profile-summary.ts; the direct phase's is the `pg` client and
 * the stack's background work: relays, consumers); profiling costs the
 * phase some throughput.
 * With BENCH_PROCESSES=1 too, each service writes a profile of its whole
 * run instead, its start included (`<dir>/<service>/*.cpuprofile`).
 *
 * The load generator shares the process (and the 2 cores of a small machine)
 * with the router and the subgraphs in (a) (with BENCH_PROCESSES=1, only the
 * cores), and with the `pg` client in (b). It sends its transfers through
 * undici's `Pool` (bench/support.ts `routerClient`); until 2026-12-05 it used
 * the global `fetch`, about 0.15 ms more of this process's CPU per request.
 *
 * With BENCH_BASELINE set to another checkout (an earlier commit, say, with
 * `node_modules` of its own or linked), it runs that checkout's benchmark and
 * this one's, each in its own process, alternately (ABBA: drift in the
 * machine's speed falls on both), BENCH_ROUNDS times each (default 3), and
 * prints every run and the medians: how each change is measured against the
 * code before it.
 *
 *   BENCH_BASELINE=/tmp/base BENCH_ROUNDS=3 node bench/transfers.ts
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { startStack, type RunningStack } from '../bin/stack.ts';
import { loadConfig } from '../platform/config.ts';
import { createEventBus } from '../platform/event-bus-factory.ts';
import { createLogger } from '../platform/logger.ts';
import { fromMinorUnits, type Currency } from '../platform/money.ts';
import { NOTIFICATION_CONSUMER_GROUP } from '../subgraphs/messaging/src/services/notification-consumer.ts';
import { testEnv } from '../test/support/stack.ts';
import { onStatementsDuring } from '../test/support/statements.ts';
import { profiledIn, startBankProcesses, type BankProcesses } from './processes.ts';
import { startCpuProfile } from './profiler.ts';
import {
  claimQuery,
  cpuMsOf,
  graphql,
  median,
  must,
  percentile,
  pgTransaction,
  postingQuery,
  postgresCpuMs,
  previousQuery,
  routerClient,
  startBenchDatabases,
  type BenchDatabases,
} from './support.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 15_000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
/** Each path's measured time is taken in this many slices, the paths alternating. */
const SLICES = Math.max(1, Math.floor(Number(process.env.BENCH_SLICES ?? 3)));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Connections of the banking subgraph's pool and of the direct client's: the same for both. */
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? Math.max(2, CONCURRENCY));
/** Upper bound on operations per phase, whatever the duration. */
const MAX_OPERATIONS = 500_000;
const USERS = Number(process.env.BENCH_USERS ?? 10);
/** Where to write a V8 CPU profile of the router phase's measured part (`router.cpuprofile`), if anywhere. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** Each subgraph and the router in a process of its own, as in production (else all in this one). */
const PROCESSES = process.env.BENCH_PROCESSES === '1';
const ACCOUNTS_PER_USER = 2;
const ADMIN = { email: 'admin@bench.bank', password: 'bench-superuser-password-1' };

interface Account {
  id: string;
  ownerId: string;
  token: string;
}

interface PhaseResult {
  name: string;
  ok: number;
  failed: number;
  firstError: string | undefined;
  elapsedMs: number;
  latenciesMs: number[];
  /** CPU time (user + system, ms) of this process over the measured part. */
  processCpuMs: number;
  /** CPU time (ms) of PostgreSQL's processes over the measured part. */
  postgresCpuMs: number;
  /** CPU time (ms) of each service's process over the measured part, by service, when they have their own. */
  servicesCpuMs?: Map<string, number>;
  /**
   * Statements each database received during the measured part, by database: the relays, notifications and
   * jobs too; undefined with the services in processes of their own, whose statements this process cannot see.
   */
  statements: Map<string, number> | undefined;
}

const TRANSFER = `mutation BenchTransfer($input: TransferInput!) { transfer(input: $input) { id } }`;

/** One path's measurement, taken in slices: {@link measure} adds each slice's figures to `result`. */
interface Phase {
  result: PhaseResult;
  /** Runs the path for {@link WARMUP_MS}, uncounted. */
  warmUp(): Promise<void>;
  /** Runs the path for `durationMs` (at most {@link MAX_OPERATIONS} in all) and adds what it measured. */
  measure(durationMs: number, options?: { profile?: string | undefined }): Promise<void>;
}

/** `operation` from {@link CONCURRENCY} loops; `servicesCpuMs`: each service's process's CPU so far, if apart. */
function phase(
  name: string,
  operation: (n: number) => Promise<void>,
  servicesCpuMs?: () => Map<string, number>,
): Phase {
  let n = 0;
  const result: PhaseResult = {
    name,
    ok: 0,
    failed: 0,
    firstError: undefined,
    elapsedMs: 0,
    latenciesMs: [],
    processCpuMs: 0,
    postgresCpuMs: 0,
    statements: PROCESSES ? undefined : new Map(),
  };
  const loop = async (until: number, record: PhaseResult | undefined) => {
    while (Date.now() < until && (record === undefined || record.ok + record.failed < MAX_OPERATIONS)) {
      const started = performance.now();
      try {
        await operation(n++);
        if (record) {
          record.ok += 1;
          record.latenciesMs.push(performance.now() - started);
        }
      } catch (error) {
        if (record) {
          record.failed += 1;
          record.firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }
  };
  const loops = async (until: number, record: PhaseResult | undefined) => {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(until, record)));
  };
  return {
    result,
    warmUp: () => loops(Date.now() + WARMUP_MS, undefined),
    async measure(durationMs, options = {}) {
      const stopProfile = options.profile ? await startCpuProfile() : undefined;
      const cpu = { process: process.cpuUsage(), postgres: postgresCpuMs(), services: servicesCpuMs?.() };
      const started = performance.now();
      const end = Date.now() + durationMs;
      const measured = () => loops(end, result);
      if (result.statements) await countStatements(result.statements, measured);
      else await measured();
      result.elapsedMs += performance.now() - started;
      if (stopProfile && options.profile) await stopProfile(options.profile);
      const used = process.cpuUsage(cpu.process);
      result.processCpuMs += (used.user + used.system) / 1000;
      result.postgresCpuMs += postgresCpuMs() - cpu.postgres;
      if (servicesCpuMs && cpu.services !== undefined) {
        const spent = (result.servicesCpuMs ??= new Map());
        for (const [service, ms] of servicesCpuMs()) {
          spent.set(service, (spent.get(service) ?? 0) + ms - (cpu.services.get(service) ?? 0));
        }
      }
    },
  };
}

/** The redis-server's entry among the processes measured with `BENCH_PROCESSES=1`. */
const REDIS = 'redis-server';

const sum = (values: Iterable<number>): number => [...values].reduce((total, value) => total + value, 0);

function summary(r: PhaseResult): { rate: number; line: string } {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const services = [...(r.servicesCpuMs ?? [])].filter(([service]) => service !== REDIS);
  const redis = r.servicesCpuMs?.get(REDIS);
  const rate = r.ok / (r.elapsedMs / 1000);
  const line =
    `${r.name.padEnd(8)} ${rate.toFixed(1).padStart(8)} transfers/s   ` +
    `p50 ${percentile(sorted, 50).toFixed(2)} ms   p99 ${percentile(sorted, 99).toFixed(2)} ms   ` +
    `(${r.ok} in ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.failed} failed${r.firstError ? `: ${r.firstError}` : ''})\n` +
    `${''.padEnd(8)} CPU per transfer: this process ${(r.processCpuMs / r.ok).toFixed(2)} ms, ` +
    `PostgreSQL ${(r.postgresCpuMs / r.ok).toFixed(2)} ms` +
    (services.length === 0
      ? ''
      : `, the services' processes ${(sum(services.map(([, ms]) => ms)) / r.ok).toFixed(2)} ms ` +
        `(${services.map(([service, ms]) => `${service} ${(ms / r.ok).toFixed(2)}`).join(', ')})`) +
    (redis === undefined ? '' : `, redis-server ${(redis / r.ok).toFixed(2)} ms`) +
    (r.statements === undefined
      ? ''
      : `\n${''.padEnd(8)} SQL statements per transfer, every database, all work meanwhile: ` +
        [...r.statements]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([database, n]) => `${database} ${(n / r.ok).toFixed(2)}`)
          .join(', '));
  return { rate, line };
}

/** Runs `work`, adding to `counts` the statements each database receives meanwhile (every `pg` client of this process). */
async function countStatements(counts: Map<string, number>, work: () => Promise<void>): Promise<Map<string, number>> {
  await onStatementsDuring(work, ({ database }) => counts.set(database || '?', (counts.get(database || '?') ?? 0) + 1));
  return counts;
}

/** The ledger's transfer, by hand: the statements `Ledger.post` sends, as one transaction. */
async function directTransfer(
  pool: pg.Pool,
  from: Account,
  to: Account,
  amount: bigint,
  idempotencyKey: string,
): Promise<void> {
  await pgTransaction(pool, async (client) => {
    const scope = from.ownerId;
    // Prepared once per connection (named), as the ledger's statements are (platform/orm.ts `sqlParams`).
    const claimed = await client.query<{ claimed: boolean; probed: boolean }>(claimQuery(scope, idempotencyKey, scope));
    if (!claimed.rows[0]?.claimed) throw new Error('IDEMPOTENCY_IN_PROGRESS');
    if (claimed.rows[0].probed) throw new Error('STEP_UP_REQUIRED');
    const previous = await client.query(previousQuery(scope, idempotencyKey));
    if (previous.rowCount) throw new Error('key already used');
    const locked = await client.query<{ id: string; balance: string; held: string; status: string; currency: string }>({
      name: 'lock',
      text: `select id, balance::text, held::text, status, currency from accounts
              where id in ($1, $2) order by id for update`,
      values: [from.id, to.id],
    });
    const source = locked.rows.find((a) => a.id === from.id);
    const target = locked.rows.find((a) => a.id === to.id);
    if (!source || !target) throw new Error('NOT_FOUND');
    if (source.status !== 'ACTIVE' || target.status === 'CLOSED') throw new Error('ACCOUNT_NOT_ACTIVE');
    if (source.currency !== target.currency) throw new Error('CURRENCY_MISMATCH');
    if (BigInt(source.balance) - BigInt(source.held) < amount) throw new Error('INSUFFICIENT_FUNDS');
    const id = randomUUID();
    const now = new Date();
    const requestHash = createHash('sha256')
      .update(JSON.stringify(['transfer', 'TRANSFER', from.id, to.id, amount.toString(), null, false]))
      .digest('hex');
    // Everything in one statement, as Ledger.post writes it: the balances, the transaction, its entries, the key, the event.
    await client.query(
      postingQuery([
        id,
        amount.toString(),
        source.currency,
        from.id,
        to.id,
        scope,
        now,
        (-amount).toString(),
        idempotencyKey,
        requestHash,
        randomUUID(),
        // The ledger's own payload (its `eventPayload`), so that messaging makes the same notifications of it.
        JSON.stringify({
          transactionId: id,
          kind: 'TRANSFER',
          status: 'POSTED',
          amount: fromMinorUnits(amount, source.currency as Currency),
          currency: source.currency,
          fromAccountId: from.id,
          toAccountId: to.id,
          fromOwnerId: from.ownerId,
          toOwnerId: to.ownerId,
        }),
      ]),
    );
  });
}

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  let databases: BenchDatabases | undefined;
  let stack: RunningStack | undefined;
  let bank: BankProcesses | undefined;
  let dir: string | undefined;
  let direct: pg.Pool | undefined;
  let client: ReturnType<typeof routerClient> | undefined;
  const cleanUp = async () => {
    await client?.close();
    await direct?.end();
    await stack?.close();
    await bank?.stop();
    await databases?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    databases = await startBenchDatabases(logger);
    const running = databases.postgres;
    const settings = {
      NODE_ENV: 'production',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DATABASE_POOL_MAX: String(POOL_MAX),
      // Step-up stays on (production refuses it off) but never asks here: the users are new and
      // pay each other at random, and no bench client holds a second factor. What it costs
      // per transfer (the proof check, the recent-change probe) is measured.
      STEP_UP_NEW_PAYEE: 'false',
      STEP_UP_THRESHOLD: '1000000.00',
    };
    let url: string;
    let servicesCpuMs: (() => Map<string, number>) | undefined;
    if (PROCESSES) {
      dir = await mkdtemp(path.join(os.tmpdir(), 'bank-transfers-'));
      bank = await startBankProcesses({ databases, dir, env: settings, nodeArgs: profiledIn(PROFILE_DIR) });
      url = bank.routerUrl;
      const services = [bank.router, ...bank.subgraphs].map((c) => [c.name, c.process.pid as number] as const);
      // The rate limit's counts and the event bus: printed apart from the services (REDIS_URL's is not measured).
      if (bank.redisPid !== undefined) services.push([REDIS, bank.redisPid]);
      servicesCpuMs = () => new Map(services.map(([service, pid]) => [service, cpuMsOf(pid)]));
    } else {
      stack = await startStack({ config: loadConfig(testEnv(databases.urls, settings)), logger, randomPorts: true });
      url = stack.routerUrl;
    }

    // Users, accounts, money.
    const users = await Promise.all(
      Array.from({ length: USERS }, (_, u) =>
        must(
          graphql<{ register: { accessToken: string; user: { id: string } } }>(
            url,
            `
              mutation ($input: RegisterInput!) {
                register(input: $input) {
                  accessToken
                  user {
                    id
                  }
                }
              }
            `,
            {
              input: {
                email: `bench-${u}@example.com`,
                password: 'correct horse battery staple',
                name: `Bench ${u}`,
                role: 'CUSTOMER',
              },
            },
          ),
          'register',
        ),
      ),
    );
    const accounts: Account[] = [];
    for (const { register } of users) {
      for (let i = 0; i < ACCOUNTS_PER_USER; i += 1) {
        const { openAccount } = await must(
          graphql<{ openAccount: { id: string } }>(
            url,
            `
              mutation ($input: OpenAccountInput!) {
                openAccount(input: $input) {
                  id
                }
              }
            `,
            { input: { type: 'CHECKING', currency: 'USD' } },
            register.accessToken,
          ),
          'openAccount',
        );
        accounts.push({ id: openAccount.id, ownerId: register.user.id, token: register.accessToken });
      }
    }
    await Promise.all(
      accounts.map((a, i) =>
        must(
          graphql(
            url,
            `
              mutation ($input: DepositInput!) {
                deposit(input: $input) {
                  id
                }
              }
            `,
            { input: { accountId: a.id, amount: '1000000.00', idempotencyKey: `fund-${i}` } },
            a.token,
          ),
          'deposit',
        ),
      ),
    );

    const pair = (): [Account, Account] => {
      const from = Math.floor(Math.random() * accounts.length);
      let to = Math.floor(Math.random() * (accounts.length - 1));
      if (to >= from) to += 1;
      return [accounts[from] as Account, accounts[to] as Account];
    };
    const amount = () => BigInt(1 + Math.floor(Math.random() * 1_000)); // 0.01 to 10.00
    const usd = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;

    // The load generator's client: keep-alive sockets, one per transfer in flight.
    const load = routerClient(url, CONCURRENCY);
    client = load;
    const viaRouter = async (key: string) => {
      const [from, to] = pair();
      const result = await load.graphql<{ transfer: { id: string } }>(
        TRANSFER,
        { input: { fromAccountId: from.id, toAccountId: to.id, amount: usd(amount()), idempotencyKey: key } },
        from.token,
      );
      if (result.errors || !result.data) throw new Error(result.errors?.[0]?.extensions?.code ?? 'no data');
    };
    direct = new pg.Pool({ connectionString: running.databaseUrl('banking'), max: POOL_MAX });
    const pool = direct;
    const viaSql = async (key: string) => {
      const [from, to] = pair();
      await directTransfer(pool, from, to, amount(), key);
    };

    // Statements per transfer, one transfer at a time (the least of 5, in case the outbox relay ticks meanwhile).
    const statements = async (run: (key: string) => Promise<void>, prefix: string) => {
      const counts: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        counts.push((await countStatements(new Map(), () => run(`${prefix}-${i}`))).get('banking') ?? 0);
      }
      return Math.min(...counts);
    };
    const routerStatements = PROCESSES ? 'not counted (other processes)' : await statements(viaRouter, 'count-router');
    const directStatements = await statements(viaSql, 'count-direct');

    // Both paths warmed up, then measured in alternating slices: the machine's drift falls on both.
    const routerPhase = phase('router', (n) => viaRouter(`router-${n}`), servicesCpuMs);
    const directPhase = phase('direct', (n) => viaSql(`direct-${n}`), servicesCpuMs);
    await routerPhase.warmUp();
    await directPhase.warmUp();
    for (let slice = 0; slice < SLICES; slice += 1) {
      // With a process per service, the services profile themselves (profiledIn); this process is the load alone.
      const profile = (name: string) =>
        PROFILE_DIR && !PROCESSES && slice === 0 ? path.join(PROFILE_DIR, `${name}.cpuprofile`) : undefined;
      await routerPhase.measure(DURATION_MS / SLICES, { profile: profile('router') });
      await directPhase.measure(DURATION_MS / SLICES, { profile: profile('direct') });
    }
    const router = routerPhase.result;
    const sql = directPhase.result;
    // Whether messaging's notifications kept up: the events its consumer had not handled when the measuring ended.
    const bus = bank ? createEventBus({ redisUrl: bank.serviceEnv.REDIS_URL }, logger) : stack?.bus;
    const notificationsBehind = await bus?.consumerLag(NOTIFICATION_CONSUMER_GROUP);
    if (bank) await bus?.close();

    const version = (await pool.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
    const cpus = os.cpus();
    const a = summary(router);
    const b = summary(sql);
    console.log(
      [
        `Transfers: router (GraphQL over HTTP, the subgraphs and the router ${PROCESSES ? 'in a process each' : 'in one process'}) vs the same SQL transaction with pg`,
        `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
          `Node ${process.version}, PostgreSQL ${version} (embedded, fsync on), ${os.platform()} ${os.release()}`,
        `settings: concurrency ${CONCURRENCY}, pool ${POOL_MAX} connections each, ${DURATION_MS / 1000} s per phase ` +
          `in ${SLICES} slice(s), the phases alternating, after ${WARMUP_MS / 1000} s warm-up, ` +
          `${accounts.length} accounts of ${USERS} users, random pairs`,
        `SQL statements per transfer on the banking database: router ${routerStatements}, direct ${directStatements}`,
        a.line,
        b.line,
        `ratio: the router reaches ${((a.rate / b.rate) * 100).toFixed(1)}% of direct SQL ` +
          `(direct is ${(b.rate / a.rate).toFixed(2)}x faster)`,
        `messaging's notification consumer at the end: ${notificationsBehind ?? '?'} events not handled yet, ` +
          `of ${router.ok + sql.ok} measured transfers`,
      ].join('\n'),
    );
  } finally {
    await cleanUp();
  }
}

/** What one run printed: each phase's rate and CPU per transfer (its process's, PostgreSQL's). */
interface RunFigures {
  router: PhaseFigures;
  direct: PhaseFigures;
  /** SQL statements of one transfer on the banking database, as the run counted them (router/direct). */
  statements: string;
}

interface PhaseFigures {
  rate: number;
  processMs: number;
  postgresMs: number;
  /** With `BENCH_PROCESSES=1`: the services' processes' CPU per transfer, all of them. */
  servicesMs?: number | undefined;
  /** And each service's, when the run printed them. */
  byService?: Map<string, number> | undefined;
}

/** Reads a run's figures from its output (the lines of {@link summary}, as earlier commits print them too). */
function figuresOf(output: string): RunFigures {
  const phase = (name: string): PhaseFigures => {
    const match = new RegExp(
      `^${name}\\s+([\\d.]+) transfers/s[^\\n]*\\n\\s*CPU per transfer: this process ([\\d.]+) ms, PostgreSQL ([\\d.]+) ms` +
        `(?:, the services' processes ([\\d.]+) ms(?: \\(([^)]*)\\))?)?`,
      'm',
    ).exec(output);
    if (!match) throw new Error(`no ${name} figures in the run's output:\n${output.slice(-2000)}`);
    return {
      rate: Number(match[1]),
      processMs: Number(match[2]),
      postgresMs: Number(match[3]),
      servicesMs: match[4] === undefined ? undefined : Number(match[4]),
      byService:
        match[5] === undefined
          ? undefined
          : new Map(
              match[5].split(', ').map((item) => {
                const [service = '?', ms = 'NaN'] = item.split(' ');
                return [service, Number(ms)];
              }),
            ),
    };
  };
  const statements = /statements per transfer on the banking database: router (\d+), direct (\d+)/.exec(output);
  return {
    router: phase('router'),
    direct: phase('direct'),
    statements: statements ? `${statements[1]}/${statements[2]}` : '?',
  };
}

const shareOfDirect = (run: RunFigures): number => (run.router.rate / run.direct.rate) * 100;

const describePhases = (run: Omit<RunFigures, 'statements'>): string =>
  (['router', 'direct'] as const)
    .map((key) => {
      const p = run[key];
      const services = p.servicesMs === undefined ? '' : ` + services ${p.servicesMs.toFixed(2)}`;
      return `${key} ${p.rate.toFixed(1).padStart(6)}/s, CPU ${p.processMs.toFixed(2)}${services} + PostgreSQL ${p.postgresMs.toFixed(2)} ms`;
    })
    .join('   ');

/** BENCH_BASELINE: that checkout's benchmark and this one's, alternately, then the medians. */
async function compareWithBaseline(baseline: string, rounds: number): Promise<void> {
  const checkouts = { baseline: path.resolve(baseline), this: fileURLToPath(new URL('..', import.meta.url)) };
  const runs: Record<keyof typeof checkouts, RunFigures[]> = { baseline: [], this: [] };
  const env = { ...process.env };
  delete env.BENCH_BASELINE;
  delete env.BENCH_PROFILE_DIR;
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? (['baseline', 'this'] as const) : (['this', 'baseline'] as const);
    for (const name of order) {
      const { stdout } = await promisify(execFile)(process.execPath, ['bench/transfers.ts'], {
        cwd: checkouts[name],
        env,
        maxBuffer: 16 * 2 ** 20,
      });
      // The machine and settings lines, once.
      if (round === 1 && name === order[0]) console.log(stdout.split('\n').slice(1, 3).join('\n'));
      const run = figuresOf(stdout);
      runs[name].push(run);
      const share = shareOfDirect(run).toFixed(1);
      console.log(
        `${name.padEnd(8)} ${round}: ${describePhases(run)}   ${share}% of direct   statements ${run.statements}`,
      );
    }
  }
  const medianRun = (list: RunFigures[]): Omit<RunFigures, 'statements'> => {
    const phase = (key: 'router' | 'direct'): PhaseFigures => {
      const services = list.map((r) => r[key].servicesMs);
      const byService = list.map((r) => r[key].byService);
      const names = byService.every((m) => m !== undefined) ? [...(byService[0]?.keys() ?? [])] : [];
      return {
        rate: median(list.map((r) => r[key].rate)),
        processMs: median(list.map((r) => r[key].processMs)),
        postgresMs: median(list.map((r) => r[key].postgresMs)),
        servicesMs: services.every((ms) => ms !== undefined) ? median(services) : undefined,
        byService:
          names.length > 0
            ? new Map(names.map((service) => [service, median(byService.map((m) => m?.get(service) ?? NaN))]))
            : undefined,
      };
    };
    return { router: phase('router'), direct: phase('direct') };
  };
  const before = medianRun(runs.baseline);
  const after = medianRun(runs.this);
  const shares = (list: RunFigures[]) => median(list.map(shareOfDirect));
  console.log(
    [
      `baseline: ${checkouts.baseline}; medians of ${rounds} run(s) each (the share of direct is the median of each run's own)`,
      `baseline median: ${describePhases(before)}   ${shares(runs.baseline).toFixed(1)}% of direct`,
      `this median:     ${describePhases(after)}   ${shares(runs.this).toFixed(1)}% of direct`,
      `this / baseline: router rate ${(after.router.rate / before.router.rate).toFixed(2)}x, ` +
        `router CPU per transfer ${(after.router.processMs / before.router.processMs).toFixed(2)}x` +
        (after.router.servicesMs !== undefined && before.router.servicesMs !== undefined
          ? ` (this process), ${(after.router.servicesMs / before.router.servicesMs).toFixed(2)}x (the services' processes)`
          : ''),
      ...(['router', 'direct'] as const).flatMap((key) => {
        const [was, now] = [before[key].byService, after[key].byService];
        if (!was || !now) return [];
        const each = [...now].map(
          ([service, ms]) => `${service} ${(was.get(service) ?? NaN).toFixed(2)} -> ${ms.toFixed(2)}`,
        );
        return [`each service's CPU per transfer, ${key} phase, medians (baseline -> this): ${each.join(', ')}`];
      }),
    ].join('\n'),
  );
}

const baseline = process.env.BENCH_BASELINE;
(baseline ? compareWithBaseline(baseline, Number(process.env.BENCH_ROUNDS ?? 3)) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
