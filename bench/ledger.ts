/**
 * The ledger's own CPU per transfer, without HTTP or GraphQL: `Ledger.post`
 * (banking's posting, through MikroORM) against the same statements sent by
 * hand with `pg`, alternated in one process over an embedded PostgreSQL.
 *
 *   PATH=node_modules/.bin:$PATH node bench/ledger.ts
 *   BENCH_BASELINE=/path/to/another/checkout PATH=node_modules/.bin:$PATH node bench/ledger.ts
 *
 * Each round runs `BENCH_POSTINGS` transfers (default 2,000) between random
 * pairs of 20 accounts, 8 at a time, on each path in turn, and prints this
 * process's CPU per transfer (`process.cpuUsage()`: user and system).
 * `bench:transfers` measures the whole request on a machine whose speed moves
 * by a fifth between runs; here both paths share each minute, so a change to
 * the ledger's own work shows in the ratio of the two. With
 * `BENCH_BASELINE`, that checkout's ledger (its own ORM, entities and
 * platform, over the same database) runs in each round too. With
 * `BENCH_PROFILE_DIR`, the first round of each path is also written as a V8
 * CPU profile (`<dir>/<path>.cpuprofile`, for bench/cpu-profile-summary.ts).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createLogger } from '../platform/logger.ts';
import { createOrm, migrate } from '../platform/orm.ts';
import { banking } from '../subgraphs/banking/src/main.ts';
import { Ledger } from '../subgraphs/banking/src/services/ledger.ts';
import type * as OrmModule from '../platform/orm.ts';
import type * as BankingModule from '../subgraphs/banking/src/main.ts';
import type * as LedgerModule from '../subgraphs/banking/src/services/ledger.ts';
import { startCpuProfile } from './profiler.ts';
import {
  claimQuery,
  cpuPerOperation,
  machineLine,
  median,
  pgTransaction,
  postingQuery,
  postgresCpuMs,
  postgresVersion,
  previousQuery,
  startBenchDatabases,
  stepUpSince,
} from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const POSTINGS = Number(process.env.BENCH_POSTINGS ?? 2_000);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const IN_FLIGHT = 8;
const ACCOUNTS = 20;

interface Account {
  id: string;
  owner: string;
}

/** A ledger as a checkout builds it: its ORM over `url` and its `Ledger`. */
async function ledgerOf(root: string | undefined, url: string) {
  const from = (file: string) => (root ? pathToFileURL(path.join(root, file)).href : `../${file}`);
  const orm = (await import(from('platform/orm.ts'))) as typeof OrmModule;
  const main = (await import(from('subgraphs/banking/src/main.ts'))) as typeof BankingModule;
  const ledger = (await import(from('subgraphs/banking/src/services/ledger.ts'))) as typeof LedgerModule;
  const opened = await orm.createOrm({ databaseUrl: url, definition: main.banking.database, poolMax: IN_FLIGHT });
  return { orm: opened, Ledger: ledger.Ledger };
}

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  const databases = await startBenchDatabases(logger);
  const url = databases.postgres.databaseUrl('banking');
  const orm = await createOrm({ databaseUrl: url, definition: banking.database, poolMax: IN_FLIGHT });
  const pool = new pg.Pool({ connectionString: url, max: IN_FLIGHT });
  const baseline = process.env.BENCH_BASELINE ? await ledgerOf(process.env.BENCH_BASELINE, url) : undefined;
  try {
    await migrate(orm);
    const accounts: Account[] = [];
    for (let i = 0; i < ACCOUNTS; i += 1) {
      const account = { id: randomUUID(), owner: randomUUID() };
      await pool.query(
        `insert into accounts (id, owner_id, type, currency, number, status, balance, held, opened_at)
         values ($1, $2, 'CHECKING', 'USD', $3, 'ACTIVE', 100000000000, 0, now())`,
        [account.id, account.owner, String(4_000_000_000_000_000 + i)],
      );
      accounts.push(account);
    }
    const pair = (): [Account, Account] => {
      const from = Math.floor(Math.random() * accounts.length);
      let to = Math.floor(Math.random() * (accounts.length - 1));
      if (to >= from) to += 1;
      return [accounts[from] as Account, accounts[to] as Account];
    };
    // A transfer to another customer, as payments.ts asks for it (step-up's probe read with the key's claim).
    const post = async (subject: { orm: typeof orm; Ledger: typeof Ledger }) => {
      const [from, to] = pair();
      const ledger = new subject.Ledger(subject.orm.em.fork(), {
        kind: 'user',
        userId: from.owner,
        roles: ['CUSTOMER'],
      });
      await ledger.post({
        operation: 'transfer',
        kind: 'TRANSFER',
        fromAccountId: from.id,
        toAccountId: to.id,
        amount: '1.00',
        description: null,
        idempotencyKey: randomUUID(),
        pending: false,
        authorize: () => undefined,
        probe: {
          sql: 'exists (select 1 from security_changes where user_id = ? and changed_at > ?)',
          params: [from.owner, stepUpSince()],
        },
        confirm: async () => undefined,
      });
    };
    const paths: [string, () => Promise<void>][] = [
      ...(baseline ? [['baseline', () => post(baseline)] as [string, () => Promise<void>]] : []),
      ['ledger', () => post({ orm, Ledger })],
      ['pg', () => byHand(pool, pair())],
    ];
    const run = async (work: () => Promise<void>, count: number) => {
      const postgres = postgresCpuMs();
      const cpu = await cpuPerOperation(work, count, IN_FLIGHT);
      return { ...cpu, postgres: ((postgresCpuMs() - postgres) * 1000) / count };
    };
    console.log('The ledger: Ledger.post (MikroORM) vs the same statements with pg, CPU per transfer of this process');
    console.log(machineLine(await postgresVersion(url)));
    console.log(
      `settings: ${POSTINGS} transfers per path and round, ${IN_FLIGHT} in flight, ${ROUNDS} rounds, ${ACCOUNTS} accounts`,
    );
    for (const [, work] of paths) await run(work, Math.min(500, POSTINGS)); // warm-up
    const figures = new Map<string, number[]>(
      paths.flatMap(([name]) => [
        [name, []],
        [`${name} PostgreSQL`, []],
      ]),
    );
    for (let round = 1; round <= ROUNDS; round += 1) {
      const line: string[] = [];
      for (const [name, work] of paths) {
        const stopProfile = PROFILE_DIR && round === 1 ? await startCpuProfile() : undefined;
        const { total, system, postgres } = await run(work, POSTINGS);
        await stopProfile?.(path.join(PROFILE_DIR ?? '', `${name}.cpuprofile`));
        figures.get(name)?.push(total);
        figures.get(`${name} PostgreSQL`)?.push(postgres);
        line.push(`${name} ${total.toFixed(0)} µs (system ${system.toFixed(0)}; PostgreSQL ${postgres.toFixed(0)})`);
      }
      console.log(`round ${round}: ${line.join(', ')}`);
    }
    const medianOf = (name: string) => median(figures.get(name) ?? []);
    console.log(
      `medians: ${paths.map(([name]) => `${name} ${medianOf(name).toFixed(0)} µs (PostgreSQL ${medianOf(`${name} PostgreSQL`).toFixed(0)})`).join(', ')}; ` +
        `the ledger costs ${(medianOf('ledger') / medianOf('pg')).toFixed(2)}x the statements by hand` +
        (baseline ? `, ${(medianOf('ledger') / medianOf('baseline')).toFixed(2)}x the baseline's ledger` : ''),
    );
  } finally {
    await pool.end();
    await orm.close();
    await baseline?.orm.close();
    await databases.stop();
  }
}

/** The statements `Ledger.post` sends for a transfer to another customer, with `pg`. */
async function byHand(pool: pg.Pool, [from, to]: [Account, Account]): Promise<void> {
  await pgTransaction(pool, async (client) => {
    // Prepared once per connection (named), as `Ledger.post`'s statements are (platform/orm.ts `sqlParams`).
    const key = randomUUID();
    await client.query(claimQuery(from.owner, key, from.owner));
    await client.query(previousQuery(from.owner, key));
    await client.query({
      name: 'lock',
      text: 'select * from accounts where id in ($1, $2) order by id for update',
      values: [from.id, to.id],
    });
    const id = randomUUID();
    const now = new Date();
    await client.query(
      postingQuery([
        id,
        '100',
        'USD',
        from.id,
        to.id,
        from.owner,
        now,
        '-100',
        key,
        'h'.repeat(64),
        randomUUID(),
        JSON.stringify({
          transactionId: id,
          kind: 'TRANSFER',
          amount: '1.00',
          fromAccountId: from.id,
          toAccountId: to.id,
        }),
      ]),
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
