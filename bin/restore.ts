/**
 * `npm run restore -- <folder> [--subgraph <name>]`: restores a backup
 * (platform/backup.ts) into the configured server, every database or one,
 * each into an empty or missing database. Then start the bank: its recovery
 * jobs reconcile what lies between the databases' snapshots (README,
 * "Disaster recovery").
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { BackupError, readManifest, restoreDatabase, verifyDatabase } from '../platform/backup.ts';
import { loadConfig, type SubgraphName } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { createOrm, migrate } from '../platform/orm.ts';
import { bankDatabases, runCommand } from './databases.ts';
import { IMPLEMENTED_SUBGRAPHS, isSubgraphName, loadSubgraph } from './subgraphs.ts';

/** Restores `subgraphs` of the backup in `folder` into `urls`; returns the rows loaded, per database and table. */
export async function restoreBackup(
  folder: string,
  urls: Partial<Record<SubgraphName, string>>,
  subgraphs: readonly SubgraphName[],
): Promise<Record<string, Record<string, number>>> {
  const manifest = await readManifest(folder);
  const reports: Record<string, Record<string, number>> = {};
  for (const name of subgraphs) {
    const url = urls[name];
    if (!url) throw new BackupError(`No database is configured for ${name}.`);
    const { database } = await loadSubgraph(name);
    reports[name] = await restoreDatabase(folder, manifest, {
      name,
      url,
      migrations: database.migrations.map((m) => m.name),
      async migrate(last) {
        const orm = await createOrm({ databaseUrl: url, definition: database, poolMax: 2 });
        try {
          await migrate(orm, last);
        } finally {
          await orm.close();
        }
      },
    });
  }
  return reports;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { subgraph: { type: 'string' } },
    allowPositionals: true,
  });
  const [folder, ...extra] = positionals;
  if (!folder || extra.length > 0)
    throw new BackupError('Usage: npm run restore -- <backup folder> [--subgraph <name>]');
  if (values.subgraph !== undefined && !isSubgraphName(values.subgraph)) {
    throw new BackupError(`Unknown subgraph "${values.subgraph}": one of ${IMPLEMENTED_SUBGRAPHS.join(', ')}.`);
  }
  const manifest = await readManifest(folder);
  const subgraphs = values.subgraph
    ? [values.subgraph as SubgraphName]
    : IMPLEMENTED_SUBGRAPHS.filter((n) => manifest.databases[n] !== undefined);
  const config = loadConfig();
  const logger = createLogger(config, 'restore');
  // Damage is found before any server is touched.
  for (const name of subgraphs) {
    const database = manifest.databases[name];
    if (!database) throw new BackupError(`The backup has no ${name} database (it holds ${manifest.order.join(', ')}).`);
    await verifyDatabase(folder, name, database);
  }
  const databases = await bankDatabases(config, logger, true, subgraphs);
  try {
    const reports = await restoreBackup(folder, databases.urls, subgraphs);
    for (const [name, tables] of Object.entries(reports)) {
      const rows = Object.values(tables).reduce((sum, n) => sum + n, 0);
      console.log(`  ${name}: ${rows} rows into ${Object.keys(tables).length} tables`);
    }
    console.log(
      `Restored ${Object.keys(reports).join(', ')} from ${folder}. Start the bank: its recovery jobs reconcile the databases.`,
    );
  } finally {
    await databases.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runCommand(main);
