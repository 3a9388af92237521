/**
 * What the benchmarks share: their own embedded PostgreSQL, GraphQL over
 * HTTP against the router, and percentiles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { IMPLEMENTED_SUBGRAPHS } from '../bin/subgraphs.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../platform/embedded-postgres.ts';
import type { Logger } from '../platform/logger.ts';
import { freePort } from '../test/support/ports.ts';

export { freePort };

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The POST of an operation, optionally with an access token. */
function graphqlPost(query: string, variables: Record<string, unknown>, token?: string) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  } as const;
}

/** POSTs an operation to the router, optionally with an access token. */
export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, graphqlPost(query, variables, token));
  return (await response.json()) as GraphQLResponse<T>;
}

/**
 * The router as a benchmark's hot loop calls it: undici's `Pool` of
 * `connections` keep-alive sockets, without the WHATWG streams of the global
 * `fetch` (which {@link graphql} uses for the setup), so that the load
 * generator costs its process less where it shares it with the bank
 * (bench:transfers).
 */
export function routerClient(url: string, connections: number) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections });
  return {
    async graphql<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> {
      const { body } = await pool.request({
        path: `${target.pathname}${target.search}`,
        ...graphqlPost(query, variables, token),
      });
      return (await body.json()) as GraphQLResponse<T>;
    },
    close: () => pool.close(),
  };
}

/** The data of a response, or an error naming `what` failed. */
export async function must<T>(promise: Promise<GraphQLResponse<T>>, what: string): Promise<T> {
  const result = await promise;
  if (result.errors || !result.data) throw new Error(`${what} failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** This process's CPU per call of `work`, in microseconds. */
export function cpuPerCall(work: () => unknown, calls: number): number {
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
}

/** The median of the finite `values` (the mean of the middle two when their count is even); NaN when none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The p-th percentile of ascending `sorted` (nearest rank); NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** An embedded PostgreSQL in a temporary folder with a database per implemented subgraph. */
export interface BenchDatabases {
  postgres: RunningPostgres;
  /** Database URL by subgraph, for `testEnv`. */
  urls: Record<string, string>;
  /** Stops PostgreSQL and removes the folder. */
  stop(): Promise<void>;
}

export async function startBenchDatabases(logger: Logger): Promise<BenchDatabases> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bank-bench-'));
  // PostgreSQL runs as its own user when the bench runs as root: let it in.
  await chmod(dir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), logger });
  await postgres.ensureDatabases(IMPLEMENTED_SUBGRAPHS);
  return {
    postgres,
    urls: Object.fromEntries(IMPLEMENTED_SUBGRAPHS.map((n) => [n, postgres.databaseUrl(n)])),
    async stop() {
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The server version of the PostgreSQL at `url`. */
export async function postgresVersion(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
  } finally {
    await client.end();
  }
}

/** The machine a benchmark ran on, for the line each prints beside its figures. */
export function machineLine(postgresVersion: string | undefined | null): string {
  const cpus = os.cpus();
  // null: a benchmark without PostgreSQL.
  const postgres = postgresVersion === null ? '' : `, PostgreSQL ${postgresVersion ?? 'unknown'} (embedded)`;
  return (
    `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `Node ${process.version}${postgres}, ${os.platform()} ${os.release()}`
  );
}

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** The fields of `/proc/<pid>/stat` after the command's name, or undefined once the process is gone. */
function statFields(pid: number | string): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system, ms) a process has used so far, from `/proc/<pid>/stat`; NaN once it is gone. */
export function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return Number.NaN;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time (ms) used so far by every PostgreSQL process of this machine
 * (`/proc/<pid>/comm` is `postgres`: the postmaster, its backends and
 * workers), those that ended included: a postmaster (a `postgres` process
 * whose parent is not one) counts the time of the backends it has reaped
 * (`cutime` and `cstime`), so a connection a pool closed, and the work of
 * starting its backend and authenticating it, stay in the sum.
 */
export function postgresCpuMs(): number {
  const postgres = new Set<string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') postgres.add(entry);
    } catch {
      continue;
    }
  }
  let total = 0;
  for (const pid of postgres) {
    const fields = statFields(pid);
    if (!fields) continue;
    let ticks = Number(fields[11]) + Number(fields[12]);
    // fields[1] is the parent's pid; fields[13] and [14] the reaped children's user and system time.
    if (!postgres.has(fields[1]!)) ticks += Number(fields[13]) + Number(fields[14]);
    total += (ticks * 1000) / TICKS_PER_SECOND;
  }
  return total;
}

/**
 * The environment of a subgraph in a process of its own, as production gives it: its own caller key
 * (<NAME>_CALLER_KEY, in `env`) and not the router's secret, with which bin/service.ts refuses to start.
 */
export function subgraphEnv(env: Record<string, string>): Record<string, string> {
  const { ROUTER_CALLER_SECRET: _routerOnly, ...rest } = env;
  return rest;
}

/**
 * The one statement of a transfer's posting as `Ledger.post` writes it, by
 * hand for `pg` (bench:transfers' direct path, bench:ledger's): the balances,
 * the transaction, its two entries, the idempotency record and the outbox
 * event. Parameters: $1 transaction id, $2 amount (minor units), $3 currency,
 * $4 and $5 the accounts, $6 the idempotency scope, $7 the time, $8 minus the
 * amount, $9 the key, $10 the request's hash, $11 the event's id, $12 its
 * payload (JSON).
 */
export const POSTING_SQL = `with a as (
     update accounts set balance = case when id = $4 then balance - $2::bigint else balance + $2::bigint end
      where id in ($4, $5)
   ), t as (
     insert into transactions (id, kind, status, amount, currency, from_account_id, to_account_id,
                               description, initiated_by, created_at, posted_at, voided_at)
     values ($1, 'TRANSFER', 'POSTED', $2, $3, $4, $5, null, $6, $7, $7, null) returning seq
   ), e as (
     insert into entries (transaction_id, account_id, amount, currency, category, tags, posted_at)
     values ($1, $4, $8, $3, 'TRANSFER', '{}', $7), ($1, $5, $2, $3, 'TRANSFER', '{}', $7)
     returning seq, account_id
   ), i as (
     insert into idempotency_keys (scope, key, request_hash, transaction_id, created_at)
     values ($6, $9, $10, $1, $7)
   ), o as (
     insert into outbox_events (id, type, payload, occurred_at, published_at, traceparent)
     values ($11, 'banking.transaction.posted', $12, $7, null, null)
   )
   select 'transaction' as written, seq::text as seq, null::uuid as account_id from t
   union all select 'entry', seq::text, account_id from e`;

/**
 * {@link POSTING_SQL} with its values, as a prepared statement of the
 * connection (named, as `Ledger.post`'s statements are): a new query config
 * each call, since `pg` writes the call onto the one it is given.
 */
export const postingQuery = (values: unknown[]): pg.QueryConfig => ({ name: 'posting', text: POSTING_SQL, values });

/** The start of step-up's recent-change window as its default rule reads it (STEP_UP_AFTER_SECURITY_CHANGE_HOURS, 24). */
export const stepUpSince = (): Date => new Date(Date.now() - 24 * 3_600_000);

/**
 * The first statement of `Ledger.post`, by hand for `pg`: the idempotency
 * key's claim (an advisory lock on scope and key), read with step-up's
 * recent-change probe of `payerId` (platform/step-up.ts `recentChangeProbe`).
 * Prepared, as the ledger's statements are.
 */
export const claimQuery = (scope: string, key: string, payerId: string): pg.QueryConfig => ({
  name: 'claim',
  text: `select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as claimed,
          (exists (select 1 from security_changes where user_id = $2 and changed_at > $3)) as probed`,
  values: [`${scope}\n${key}`, payerId, stepUpSince()],
});

/** `Ledger.post`'s idempotency lookup, by hand for `pg`, prepared. */
export const previousQuery = (scope: string, key: string): pg.QueryConfig => ({
  name: 'previous',
  text: 'select request_hash, transaction_id from idempotency_keys where scope = $1 and key = $2',
  values: [scope, key],
});

/** A transfer's fetch to banking as the router's query plan sends it (bench:subgraph-fetch, bench:caller-header). */
export const TRANSFER_FETCH = {
  operationName: 'BenchTransfer__banking__0',
  query: 'mutation BenchTransfer__banking__0($input:TransferInput!){transfer(input:$input){id}}',
  variables: {
    input: {
      fromAccountId: 'de000000-0000-4000-8000-00000000a001',
      toAccountId: 'de000000-0000-4000-8000-00000000a002',
      amount: '1.00',
      idempotencyKey: 'router-123456',
    },
  },
};

/**
 * Runs `work` `count` times, `inFlight` at a time, and returns this
 * process's CPU per run in microseconds (user and system, and system alone).
 */
export async function cpuPerOperation(
  work: () => Promise<unknown>,
  count: number,
  inFlight: number,
): Promise<{ total: number; system: number }> {
  const cpu = process.cpuUsage();
  let left = count;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await work();
    }),
  );
  const used = process.cpuUsage(cpu);
  return { total: (used.user + used.system) / count, system: used.system / count };
}

/** Runs `work` in a transaction on a client of `pool`: `BEGIN`, then `COMMIT`, or `ROLLBACK` when it throws. */
export async function pgTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await work(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
