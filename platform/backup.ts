/**
 * The portable logical backup of the bank's databases (`npm run backup`) and
 * its restore (`npm run restore`).
 *
 * Why not pg_dump: the embedded PostgreSQL (18) ships no client tools, and
 * the pg_dump of older client packages refuses a newer server. This backup
 * needs nothing but a connection, so it works on the embedded default and on
 * any server by URL. A production server is backed up by its provider, or
 * with pg_basebackup and WAL archiving (point-in-time recovery); see the
 * README's "Operations".
 *
 * Each database is read in one REPEATABLE READ READ ONLY transaction: one
 * snapshot, consistent within the database. The six snapshots are taken one
 * right after the other, banking first (see {@link BACKUP_ORDER}), before
 * any is read: milliseconds apart, but NOT one instant; the sagas' recovery
 * reconciles what lies between.
 *
 * Rows are written as PostgreSQL's own `row_to_json`, one table per file
 * (JSON lines), never parsed in JavaScript: numerics and bigints keep every
 * digit, timestamps their time zone, bytea its hex, jsonb its JSON. The
 * schema is not dumped: a restore runs the subgraph's own migrations up to
 * exactly those the backup recorded, then loads the rows.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { z } from 'zod';
import type { SubgraphName } from './config.ts';

/** The manifest's format; a restore refuses any other. */
export const BACKUP_FORMAT = 'bank-logical-backup/1';
export const MANIFEST_FILE = 'manifest.json';
/** MikroORM's record of applied migrations: made by the migrations themselves, never copied. */
const MIGRATIONS_TABLE = 'mikro_orm_migrations';
/** Rows per fetch (backup) and per insert (restore). */
const BATCH = 1_000;

/**
 * Banking first, the services whose sagas reserve money in it after. Each
 * saga records its intent in its own database before it asks banking for
 * anything, so every hold in an older banking has its owner in a newer
 * billing or lending; what the owners did after banking's snapshot is driven
 * again by their recovery jobs (README, "Disaster recovery").
 */
export const BACKUP_ORDER: readonly SubgraphName[] = [
  'banking',
  'lending',
  'billing',
  'identity',
  'messaging',
  'assistant',
];

/** A backup or restore that cannot go on; the message is one line that says why. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

const tableSchema = z.object({
  name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  file: z.string().regex(/^[a-z]+\/[a-z_][a-z0-9_]*\.jsonl$/),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
const databaseSchema = z.object({
  /** When its snapshot was taken (the server's clock). */
  snapshotAt: z.string(),
  serverVersion: z.string(),
  /** The migrations applied to it, oldest first. */
  migrations: z.array(z.string()),
  tables: z.array(tableSchema),
});
const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  project: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  order: z.array(z.string()),
  databases: z.record(z.string(), databaseSchema),
});
export type BackupManifest = z.infer<typeof manifestSchema>;
export type DatabaseBackup = z.infer<typeof databaseSchema>;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function connect(url: string, what: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new BackupError(`Cannot connect to ${what}: ${(error as Error).message}`);
  }
  return client;
}

/** The project's name and version, from package.json. */
async function projectOf(): Promise<{ name: string; version: string }> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  const { name, version } = JSON.parse(text) as { name: string; version: string };
  return { name, version };
}

/** The base tables of the public schema, but MikroORM's migration record. */
async function tablesOf(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
  );
  return rows.map((r) => r.name).filter((n) => n !== MIGRATIONS_TABLE);
}

export interface BackupOptions {
  /** The database URL of each subgraph to back up. */
  databases: Partial<Record<SubgraphName, string>>;
  /** The folder to write (created; must not hold a manifest yet). */
  out: string;
  /** Called after each database's snapshot is taken, before the next one (the restore drill lets traffic land between them). */
  afterSnapshot?: (name: SubgraphName) => Promise<void>;
}

/** Backs every database of `options.databases` up into `options.out`; returns the manifest written. */
export async function backup(options: BackupOptions): Promise<BackupManifest> {
  const out = path.resolve(options.out);
  if (await stat(path.join(out, MANIFEST_FILE)).catch(() => null)) {
    throw new BackupError(`${out} already holds a backup; give another --out.`);
  }
  // The backup holds every customer's data: readable by its owner only.
  await mkdir(out, { recursive: true, mode: 0o700 });
  const startedAt = new Date().toISOString();
  const names = BACKUP_ORDER.filter((n) => options.databases[n] !== undefined);
  const databases: Record<string, DatabaseBackup> = {};
  // Every snapshot first, one right after the other (milliseconds apart, whatever the size of the data), then
  // each is read: the databases differ by the time between their snapshots, not by the time it takes to read them.
  const clients = await Promise.allSettled(
    names.map((name) => connect(options.databases[name] as string, `the ${name} database`)),
  );
  try {
    const connected = clients.map((c) => {
      if (c.status === 'rejected') throw c.reason;
      return c.value;
    });
    const snapshots: Snapshot[] = [];
    for (const [i, name] of names.entries()) {
      snapshots.push(await takeSnapshot(name, connected[i] as pg.Client));
      await options.afterSnapshot?.(name);
    }
    for (const snapshot of snapshots) databases[snapshot.name] = await readSnapshot(snapshot, out);
  } finally {
    const open = clients.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
    await Promise.all(open.map((client) => client.end().catch(() => undefined)));
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    project: await projectOf(),
    startedAt,
    finishedAt: new Date().toISOString(),
    order: names,
    databases,
  };
  // Written last: a folder without a manifest is an unfinished backup.
  await writeFile(path.join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/** One database's open snapshot: a REPEATABLE READ READ ONLY transaction whose first statement has run. */
interface Snapshot {
  name: SubgraphName;
  client: pg.Client;
  at: Date;
  version: string;
}

/** Opens the transaction of `client` and takes its snapshot. */
async function takeSnapshot(name: SubgraphName, client: pg.Client): Promise<Snapshot> {
  await client.query('begin isolation level repeatable read read only');
  // The first statement takes the snapshot: everything read in this transaction is that one instant.
  const { rows } = await client.query<{ at: Date; version: string }>(
    `select clock_timestamp() as at, current_setting('server_version') as version`,
  );
  return { name, client, at: rows[0]?.at ?? new Date(), version: rows[0]?.version ?? 'unknown' };
}

async function readSnapshot(snapshot: Snapshot, out: string): Promise<DatabaseBackup> {
  const { name, client } = snapshot;
  const hasMigrations = await client.query<{ present: boolean }>(`select to_regclass($1) is not null as present`, [
    `public.${MIGRATIONS_TABLE}`,
  ]);
  if (!hasMigrations.rows[0]?.present) {
    throw new BackupError(`The ${name} database has never been migrated: there is nothing of the bank's to back up.`);
  }
  const { rows: migrations } = await client.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE} order by id`);
  await mkdir(path.join(out, name), { recursive: true, mode: 0o700 });
  const tables = [];
  for (const table of await tablesOf(client)) tables.push(await backupTable(client, name, table, out));
  await client.query('commit');
  return {
    snapshotAt: snapshot.at.toISOString(),
    serverVersion: snapshot.version,
    migrations: migrations.map((m) => m.name),
    tables,
  };
}

async function backupTable(client: pg.Client, database: string, table: string, out: string) {
  const file = `${database}/${table}.jsonl`;
  const stream = createWriteStream(path.join(out, file), { mode: 0o600 });
  const hash = createHash('sha256');
  let rows = 0;
  let bytes = 0;
  const cursor = quote(`backup_${table}`);
  await client.query(
    `declare ${cursor} no scroll cursor for select row_to_json(t)::text as row from ${quote(table)} t`,
  );
  try {
    for (;;) {
      const batch = await client.query<{ row: string }>(`fetch ${BATCH} from ${cursor}`);
      if (batch.rows.length === 0) break;
      const chunk = Buffer.from(batch.rows.map((r) => `${r.row}\n`).join(''));
      hash.update(chunk);
      bytes += chunk.length;
      rows += batch.rows.length;
      if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    }
  } finally {
    await client.query(`close ${cursor}`).catch(() => undefined);
    stream.end();
    await finished(stream);
  }
  return { name: table, file, rows, bytes, sha256: hash.digest('hex') };
}

// ---------------------------------------------------------------------------
// Restore.
// ---------------------------------------------------------------------------

/** Reads and checks a backup's manifest. */
export async function readManifest(folder: string): Promise<BackupManifest> {
  const file = path.join(path.resolve(folder), MANIFEST_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(
      error.code === 'ENOENT'
        ? `${folder} is not a backup: it has no ${MANIFEST_FILE} (a backup that did not finish has none).`
        : `Cannot read ${file}: ${error.message}`,
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupError(`${file} is not valid JSON: the backup is damaged.`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupError(
      `${file} is not a manifest of ${BACKUP_FORMAT} (${issue?.path.join('.') || 'root'}: ${issue?.message}).`,
    );
  }
  return parsed.data;
}

/**
 * Checks every file of one database's backup against the manifest (size and
 * sha256) before anything is loaded.
 */
export async function verifyDatabase(folder: string, name: string, database: DatabaseBackup): Promise<void> {
  for (const table of database.tables) {
    const file = path.join(path.resolve(folder), table.file);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of createReadStream(file)) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
    } catch (error) {
      throw new BackupError(`The backup of ${name} lacks ${table.file}: ${(error as Error).message}`);
    }
    if (bytes !== table.bytes || hash.digest('hex') !== table.sha256) {
      throw new BackupError(
        `${table.file} does not match its checksum in the manifest: the backup was damaged or changed; nothing was restored.`,
      );
    }
  }
}

export interface RestoreTarget {
  name: SubgraphName;
  /** URL of the (empty or missing) database to restore into. */
  url: string;
  /** The subgraph's migrations in the code, oldest first. */
  migrations: readonly string[];
  /** Runs the subgraph's migrations on `url` up to and including `last`. */
  migrate(last: string): Promise<void>;
}

/** Rows loaded into one database, per table. */
export type RestoreReport = Record<string, number>;

/**
 * Restores one database of a backup into `target`: refuses a backup whose
 * migrations the code does not have, and a target that already holds
 * tables; verifies the files, creates the database if it is missing,
 * migrates it to the backup's migrations, then loads every table in one
 * transaction (parents before children) and moves each sequence past its
 * highest value.
 */
export async function restoreDatabase(
  folder: string,
  manifest: BackupManifest,
  target: RestoreTarget,
): Promise<RestoreReport> {
  const { name } = target;
  const database = manifest.databases[name];
  if (!database) throw new BackupError(`The backup has no ${name} database (it holds ${manifest.order.join(', ')}).`);
  const recorded = database.migrations;
  const unknown = recorded.find((m, i) => target.migrations[i] !== m);
  if (unknown !== undefined) {
    throw new BackupError(
      `The backup of ${name} was taken after migration ${unknown}, which this code does not have: restore it with the code that made it (${manifest.project.name} ${manifest.project.version}).`,
    );
  }
  await verifyDatabase(folder, name, database);
  await ensureEmptyDatabase(target.url, name);
  const last = recorded.at(-1);
  if (last !== undefined) await target.migrate(last);

  const client = await connect(target.url, `the ${name} database`);
  try {
    const present = new Set(await tablesOf(client));
    const missing = database.tables.find((t) => !present.has(t.name));
    if (missing) {
      throw new BackupError(`The backup of ${name} has a table ${missing.name} that its migrations do not make.`);
    }
    const order = await parentsFirst(client, [...present]);
    const byName = new Map(database.tables.map((t) => [t.name, t]));
    const report: RestoreReport = {};
    await client.query('begin');
    try {
      // Migrations may write rows of their own (reference data): the backup holds them as they were.
      if (present.size > 0) await client.query(`truncate ${[...present].map(quote).join(', ')}`);
      for (const table of order) {
        const entry = byName.get(table);
        report[table] = entry ? await loadTable(client, folder, entry) : 0;
        if (entry && report[table] !== entry.rows) {
          throw new BackupError(`${entry.file} holds ${report[table]} rows, the manifest says ${entry.rows}.`);
        }
      }
      await resetSequences(client);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if (error instanceof BackupError) throw error;
      throw new BackupError(`Loading ${name} failed, nothing of it was kept: ${(error as Error).message}`);
    }
    return report;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database when it is missing; refuses one that has tables. */
async function ensureEmptyDatabase(url: string, name: string): Promise<void> {
  const databaseName = decodeURIComponent(new URL(url).pathname.slice(1));
  const server = new URL(url);
  server.pathname = '/postgres';
  const admin = await connect(server.toString(), 'the database server');
  try {
    const { rows } = await admin.query('select 1 from pg_database where datname = $1', [databaseName]);
    if (rows.length === 0) {
      await admin.query(`create database ${quote(databaseName)}`);
      return;
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  const client = await connect(url, `the ${name} database`);
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
          and n.nspname not like 'pg_toast%'`,
    );
    if ((rows[0]?.n ?? 0) > 0) {
      throw new BackupError(
        `The ${name} database (${databaseName}) is not empty: a restore goes into an empty or missing database only; drop it first, or point ${name.toUpperCase()}_DATABASE_URL elsewhere.`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The tables in an order where every foreign key's target comes before its source. */
async function parentsFirst(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = 'public' and c.conrelid <> c.confrelid`,
  );
  const unquote = (name: string) => name.replace(/^"(.*)"$/, '$1').replace(/^public\./, '');
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const r of rows) parents.get(unquote(r.child))?.add(unquote(r.parent));
  const ordered: string[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const next = tables.filter((t) => !done.has(t) && [...(parents.get(t) ?? [])].every((p) => done.has(p)));
    if (next.length === 0)
      throw new BackupError("The tables' foreign keys form a cycle: this restore cannot order them.");
    for (const t of next) {
      done.add(t);
      ordered.push(t);
    }
  }
  return ordered;
}

/** Inserts one table's rows from its file, {@link BATCH} at a time; returns how many. */
async function loadTable(client: pg.Client, folder: string, table: z.infer<typeof tableSchema>): Promise<number> {
  const { rows: columns } = await client.query<{ name: string }>(
    `select attname as name from pg_attribute
      where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = ''
      order by attnum`,
    [`public.${quote(table.name)}`],
  );
  const list = columns.map((c) => quote(c.name)).join(', ');
  const insert = `insert into ${quote(table.name)} (${list}) overriding system value
    select ${list} from json_populate_recordset(null::${quote(table.name)}, $1::json)`;
  let count = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await client.query(insert, [`[${batch.join(',')}]`]);
    count += batch.length;
    batch = [];
  };
  const lines = createInterface({ input: createReadStream(path.join(path.resolve(folder), table.file)) });
  for await (const line of lines) {
    if (line === '') continue;
    batch.push(line);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return count;
}

/** Moves every sequence owned by a column past the column's highest value. */
async function resetSequences(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ sequence: string; table: string; column: string }>(
    `select s.oid::regclass::text as sequence, d.refobjid::regclass::text as table, a.attname as column
       from pg_class s
       join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
       join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
      where s.relkind = 'S'`,
  );
  for (const r of rows) {
    await client.query(
      `select setval($1::regclass, coalesce((select max(${quote(r.column)}) from ${r.table}), 0) + 1, false)`,
      [r.sequence],
    );
  }
}
