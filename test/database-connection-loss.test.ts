/**
 * A subgraph's connection pool survives connections that the database
 * drops in the middle of a transaction (a failover, a restart, an operator's
 * `pg_terminate_backend`, PostgreSQL stopped under Ctrl-C): every broken
 * connection goes back to the pool, so later transactions still run and the
 * ORM closes. (kysely 0.29.6, pinned by MikroORM 7.2.1, kept a connection
 * checked out for ever when its ROLLBACK or BEGIN failed: a pool of N was
 * exhausted after N drops and shutdown hung on it. The project overrides
 * kysely to 0.29.7, which releases it.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createOrm, type MikroORM } from '../platform/orm.ts';
import { identity } from '../subgraphs/identity/src/main.ts';
import { createTestDatabases, type TestDatabases } from './support/databases.ts';

const POOL = 3;

let databases: TestDatabases;
let orm: MikroORM;

beforeAll(async () => {
  databases = await createTestDatabases(['identity']);
  orm = await createOrm({
    databaseUrl: databases.urls.identity as string,
    definition: identity.database,
    poolMax: POOL,
  });
});
afterAll(async () => {
  await orm?.close();
  await databases?.drop();
});

/** Resolves with `work`'s outcome, or rejects if it has not settled within `ms` (a pool with no connection left). */
async function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work,
      sleep(ms, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`${what}: no answer within ${ms} ms (a leaked connection?)`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}

test('transactions whose connection is killed under them do not use the pool up', async () => {
  // Twice as many drops as the pool has connections.
  for (let i = 0; i < POOL * 2; i++) {
    const killed = orm.em.fork().transactional(async (em) => {
      await em
        .getConnection()
        .execute('select pg_terminate_backend(pg_backend_pid())', [], 'all', em.getTransactionContext());
    });
    await expect(within(10_000, killed, `drop ${i + 1}`)).rejects.toThrow(/terminat|Connection|closed/i);
  }
  // The pool still serves transactions, as many at once as it holds.
  const answers = await within(
    10_000,
    Promise.all(
      Array.from({ length: POOL }, () =>
        orm.em.fork().transactional(async (em) => {
          const [row] = await em
            .getConnection()
            .execute<{ one: number }[]>('select 1 as one', [], 'all', em.getTransactionContext());
          return row?.one;
        }),
      ),
    ),
    'transactions after the drops',
  );
  expect(answers).toEqual(Array.from({ length: POOL }, () => 1));
});

test('the ORM closes after its connections were dropped', async () => {
  const other = await createOrm({
    databaseUrl: databases.urls.identity as string,
    definition: identity.database,
    poolMax: 2,
  });
  await other.em
    .fork()
    .transactional(async (em) => {
      await em
        .getConnection()
        .execute('select pg_terminate_backend(pg_backend_pid())', [], 'all', em.getTransactionContext());
    })
    .catch(() => undefined);
  await within(10_000, other.close(), 'orm.close()');
});
