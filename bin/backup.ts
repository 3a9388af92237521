/**
 * `npm run backup [-- --out <folder>]`: a logical backup of every subgraph's
 * database (platform/backup.ts) into `backups/<time>/` by default, with a
 * manifest of times, versions, migrations, row counts and checksums.
 */
import { parseArgs } from 'node:util';
import { backup } from '../platform/backup.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { bankDatabases, runCommand } from './databases.ts';

runCommand(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: false });
  const config = loadConfig();
  const logger = createLogger(config, 'backup');
  const out = values.out ?? `backups/${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const databases = await bankDatabases(config, logger, false);
  try {
    const manifest = await backup({ databases: databases.urls, out });
    for (const name of manifest.order) {
      const db = manifest.databases[name];
      const rows = db?.tables.reduce((sum, t) => sum + t.rows, 0) ?? 0;
      console.log(`  ${name}: ${rows} rows in ${db?.tables.length ?? 0} tables, snapshot ${db?.snapshotAt}`);
    }
    const times = manifest.order.map((n) => Date.parse(manifest.databases[n]?.snapshotAt ?? ''));
    console.log(`Backup written to ${out}; its snapshots are ${Math.max(...times) - Math.min(...times)} ms apart.`);
  } finally {
    await databases.close();
  }
});
