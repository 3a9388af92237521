/**
 * MikroORM bootstrap shared by every subgraph and by the tests.
 *
 * Each subgraph owns one database. The ORM is created once per process; each
 * GraphQL request works on its own EntityManager fork (see the subgraph
 * server's context). Schemas change only through committed migrations, run
 * at start under a PostgreSQL advisory lock so that several instances of one
 * subgraph starting together migrate once.
 */
import type { MigrationObject, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Logger } from './logger.ts';

import type { EntityManager } from '@mikro-orm/postgresql';
export type { EntityManager };
export { MikroORM };

/** What a subgraph declares about its database. */
export interface DatabaseDefinition {
  /** Entity schemas (`defineEntity`). */
  entities: NonNullable<Options['entities']>;
  /** Migrations in the order they apply. */
  migrations: MigrationObject[];
  /** Folder of the migration files, for `npm run migration:create`. */
  migrationsPath: string;
}

export interface OrmOptions {
  databaseUrl: string;
  definition: DatabaseDefinition;
  poolMax: number;
  logger?: Logger;
}

/** Opens the ORM for one database. Close it with `orm.close()`. */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  const { databaseUrl, definition, poolMax, logger } = options;
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities: [...definition.entities],
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    migrations: {
      migrationsList: definition.migrations,
      path: definition.migrationsPath,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      // The snapshot is source, written only by `npm run migration:create`, never at run time.
      snapshotOnMigrate: false,
      silent: true,
    },
    // Entities are plain data; lazy-loading surprises are bugs in a bank.
    forceUndefined: false,
    ignoreUndefinedInQuery: false,
    debug: false,
    ...(logger ? { logger: (message: string) => logger.debug({ orm: message }) } : {}),
  });
}

/** Arbitrary, fixed key of the advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending migrations, once even if several instances start at once;
 * with `to`, only up to and including that one (a restore: platform/backup.ts).
 * @returns the names of the migrations applied.
 */
export async function migrate(orm: MikroORM, to?: string): Promise<string[]> {
  const connection = orm.em.getConnection();
  return connection.transactional(async (trx) => {
    await connection.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY], 'all', trx);
    const applied = await orm.migrator.up(to === undefined ? undefined : { to });
    return applied.map((m) => m.name);
  });
}

/** True when the database answers; used by `/readyz`. */
export async function isDatabaseReachable(orm: MikroORM): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}

/** A boolean SQL expression (`?` placeholders) and its parameters, for a caller to read within a statement of its own. */
export interface SqlProbe {
  sql: string;
  params: unknown[];
}

/**
 * Runs SQL (`?` placeholders) in `em`'s transaction, if it is in one: plain
 * SQL over a service's own tables where the unit of work buys nothing
 * (consumers, exports, the ledger's rows). Give it a request's or a fork's
 * `em`: the global one answers with whatever transaction the calling async
 * context holds.
 */
export function sql<T extends object = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return em.getConnection().execute<T[]>(text, params, 'all', em.getTransactionContext());
}

/**
 * As {@link sql}, with the parameters sent to PostgreSQL as parameters
 * (`$1`, `$2`...) rather than written into the statement's text by
 * MikroORM, which also logs it: for a request's hot statements, where
 * formatting each value as SQL cost more CPU than the rest of the round
 * trip (the ledger's posting, a statement of some 40 values). `?`
 * placeholders as with {@link sql}, each one value: a Date goes with its
 * offset (the columns are `timestamptz`), a bigint as its digits, an object
 * as JSON, an array as one PostgreSQL array (never a list: `= any(?)`, not
 * `in (?)`). Errors are the driver's, as with {@link sql}.
 *
 * Each statement is prepared on each connection the first time it runs there
 * (a named statement of the protocol, {@link preparedStatement}), and later
 * runs skip PostgreSQL's parsing and planning, which were most of what a
 * small statement cost it: the ledger's statements of a transfer cost its
 * backend about 1,460 µs of CPU unnamed and 925 prepared. Give it statements
 * whose text has a bounded number of shapes (values as parameters, lists as
 * one array), and columns named rather than `*`, so that a migration adding a
 * column leaves a prepared statement's result unchanged.
 */
export async function sqlParams<T extends object = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const db = em.getTransactionContext<Kysely<unknown>>() ?? em.getConnection().getClient<unknown>();
  // Kysely hands a compiled query's `sql` to `pg`'s `client.query` as it is, and `pg` takes a query
  // config (text and name) there as well as a text: that is how the name reaches the driver.
  // platform/orm.test.ts checks that the statement is prepared, so a driver that stops doing this fails it.
  const query = preparedStatement(text) as unknown as string;
  const { rows } = await db
    .getExecutor()
    .provideConnection((connection) => connection.executeQuery<T>(CompiledQuery.raw(query, params)));
  return rows;
}

/** A statement as `pg` prepares it: its `$n` text, and its name (the same on every connection). */
export interface PreparedStatement {
  text: string;
  name?: string;
}

/** Statements named so far, by their `?` text. */
const namedStatements = new Map<string, { text: string; name: string }>();

/**
 * Prepared statements one process names, at most: each connection keeps
 * those it ran until it closes, and a caller that built a new text per call
 * would otherwise fill every backend's memory. Texts beyond it run unnamed.
 */
export const MAX_NAMED_STATEMENTS = 200;

/**
 * `text` (`?` placeholders) as `pg` runs it: numbered, and named after a
 * hash of its text, so that each connection prepares it once. A new object
 * each call: `pg` writes the call's values onto the one it is given.
 */
export function preparedStatement(text: string): PreparedStatement {
  let known = namedStatements.get(text);
  if (known === undefined) {
    const numberedText = numbered(text);
    if (namedStatements.size >= MAX_NAMED_STATEMENTS) return { text: numberedText };
    known = { text: numberedText, name: `bank_${createHash('sha256').update(numberedText).digest('base64url')}` };
    namedStatements.set(text, known);
  }
  return { text: known.text, name: known.name };
}

/**
 * Runs `work` in a database transaction, given an EntityManager in it, for
 * work that writes with SQL ({@link sqlParams}) and leaves the unit of work
 * nothing to flush (the ledger's postings): without `em.transactional`'s
 * transaction manager, its flush and its merging of the fork's entities
 * back into `em`. Commits when `work` resolves, rolls back when it throws.
 * When `em` is in a transaction already, `work` runs in a savepoint of it
 * through `em.transactional`.
 */
export async function sqlTransaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  if (em.getTransactionContext()) return em.transactional(work);
  return em
    .getConnection()
    .getClient<unknown>()
    .transaction()
    .execute(async (trx) => {
      const inside = em.fork({ clear: true });
      inside.setTransactionContext(trx as never);
      return work(inside);
    });
}

/** `text` with its `?` placeholders numbered (`$1`, `$2`...), those in quoted strings and names left alone. */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (match) => (match === '?' ? `$${++n}` : match));
}
