/**
 * Fresh databases for one test file on the run's PostgreSQL (global-setup).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createOrm, migrate, type DatabaseDefinition, type MikroORM } from '../../platform/orm.ts';

/** URL of the test run's PostgreSQL server (no database). */
export function testServerUrl(): string {
  const url = process.env.BANK_TEST_POSTGRES_URL;
  if (!url) throw new Error('BANK_TEST_POSTGRES_URL is not set: run the tests with `npm test`.');
  return url;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${testServerUrl()}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabases {
  urls: Record<string, string>;
  drop(): Promise<void>;
}

/** Creates one empty database per name, with a random prefix. */
export async function createTestDatabases(names: readonly string[]): Promise<TestDatabases> {
  const prefix = `t_${randomBytes(5).toString('hex')}`;
  const real = Object.fromEntries(names.map((n) => [n, `${prefix}_${n}`]));
  await admin(async (client) => {
    for (const db of Object.values(real)) await client.query(`create database ${client.escapeIdentifier(db)}`);
  });
  return {
    urls: Object.fromEntries(Object.entries(real).map(([n, db]) => [n, `${testServerUrl()}/${db}`])),
    drop: () =>
      admin(async (client) => {
        for (const db of Object.values(real)) {
          await client.query(`drop database if exists ${client.escapeIdentifier(db)} with (force)`);
        }
      }),
  };
}

/** Applies a subgraph's migrations to the database at `url`, with an ORM of its own closed after. */
export async function migrateDatabase(url: string, definition: DatabaseDefinition): Promise<void> {
  const orm = await createOrm({ databaseUrl: url, definition, poolMax: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
}

/** A migrated database of one subgraph with an ORM on it ({@link migratedDatabase}). */
export interface MigratedDatabase {
  orm: MikroORM;
  /** Closes the ORM and drops the database. */
  close(): Promise<void>;
}

/**
 * A fresh database named after `name` with a subgraph's migrations applied,
 * and an ORM of `poolMax` connections on it.
 */
export async function migratedDatabase(
  name: string,
  definition: DatabaseDefinition,
  poolMax: number,
): Promise<MigratedDatabase> {
  const databases = await createTestDatabases([name]);
  try {
    const url = databases.urls[name]!;
    await migrateDatabase(url, definition);
    const orm = await createOrm({ databaseUrl: url, definition, poolMax });
    return {
      orm,
      async close() {
        await orm.close();
        await databases.drop();
      },
    };
  } catch (error) {
    await databases.drop();
    throw error;
  }
}
