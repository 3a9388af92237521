/**
 * The databases `npm run backup` and `npm run restore` work on: each
 * subgraph's configured URL (DATABASE_URL, <NAME>_DATABASE_URL), else the
 * embedded PostgreSQL of `npm start` under DATA_DIR: used where it runs (an
 * `npm start` in another terminal), started for the time of the command
 * where it does not.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Config, SubgraphName } from '../platform/config.ts';
import { embeddedServerUrl, startEmbeddedPostgres } from '../platform/embedded-postgres.ts';
import type { Logger } from '../platform/logger.ts';
import { IMPLEMENTED_SUBGRAPHS } from './subgraphs.ts';

/** Runs a command's `main`: any failure is one line on stderr and exit code 1, never a stack trace. */
export function runCommand(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message.split('\n').join(' ') : String(error));
    process.exit(1);
  });
}

export interface BankDatabases {
  urls: Record<SubgraphName, string>;
  /** Stops the embedded PostgreSQL if this command started it. */
  close(): Promise<void>;
}

async function answers(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres`, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The URL of the database of each of `subgraphs`. `create`: the embedded
 * cluster may be initialised when it does not exist yet (a restore into a
 * fresh machine); otherwise its absence is an error saying what to do.
 */
export async function bankDatabases(
  config: Config,
  logger: Logger,
  create: boolean,
  subgraphs: readonly SubgraphName[] = IMPLEMENTED_SUBGRAPHS,
): Promise<BankDatabases> {
  const configured = Object.fromEntries(subgraphs.map((n) => [n, config.subgraphs[n].databaseUrl])) as Record<
    SubgraphName,
    string | undefined
  >;
  const embeddedNeeded = subgraphs.some((n) => configured[n] === undefined);
  if (!embeddedNeeded) return { urls: configured as Record<SubgraphName, string>, close: async () => undefined };
  if (config.isProduction) {
    throw new Error('Production needs DATABASE_URL (or every <NAME>_DATABASE_URL): there is no embedded PostgreSQL.');
  }
  const serverUrl = embeddedServerUrl(config.embeddedPostgresPort);
  const dataDir = path.join(config.dataDir, 'postgres');
  let close = async () => undefined as void;
  if (!(await answers(serverUrl))) {
    if (!create && !existsSync(path.join(dataDir, 'PG_VERSION'))) {
      throw new Error(
        `There is no embedded PostgreSQL in ${dataDir} to back up: start the bank once (npm start), or set DATABASE_URL.`,
      );
    }
    const postgres = await startEmbeddedPostgres({ dataDir, port: config.embeddedPostgresPort, logger });
    close = () => postgres.stop();
  }
  const urls = Object.fromEntries(subgraphs.map((n) => [n, configured[n] ?? `${serverUrl}/${n}`])) as Record<
    SubgraphName,
    string
  >;
  return { urls, close };
}
