/**
 * The test run's Redis (global-setup): a `redis-server` started for the run,
 * or the one `REDIS_URL` names. Each test file isolates itself with its own
 * key prefix ({@link testRedisPrefix}): streams and pub/sub channels.
 *
 * Without either, the run stops before anything else with {@link REDIS_MISSING}:
 * `npm test` says it in its first step (`bin/check-test-prerequisites.ts`),
 * `npx jest` in its global setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './ports.ts';

/** What to do when the tests find no Redis: the one text both checks print. */
export const REDIS_MISSING = [
  'The tests need Redis: redis-server is not on the PATH and REDIS_URL is not set.',
  'Install it (Debian or Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`),',
  'or set REDIS_URL to a Redis you run (REDIS_URL=redis://localhost:6379 npm test).',
].join('\n');

/** Full path of `command` on `searchPath` (a PATH value), if it is there. */
async function onPath(command: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** Where the test run's Redis comes from: a URL to use, or a `redis-server` to start. */
export type TestRedisSource = { url: string } | { binary: string };

/**
 * The Redis the tests will use, as the environment `env` says: `REDIS_URL`
 * if set, else `redis-server` from its PATH; `undefined` when there is neither.
 */
export async function findTestRedis(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<TestRedisSource | undefined> {
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  const binary = await onPath('redis-server', env.PATH ?? '');
  return binary ? { binary } : undefined;
}

/** URL of the test run's Redis; fails the test with the reason when there is none. */
export function testRedisUrl(): string {
  const url = process.env.BANK_TEST_REDIS_URL;
  if (url) return url;
  throw new Error('BANK_TEST_REDIS_URL is not set: run the tests with `npm test` or `npx jest` (its global setup).');
}

/** A key prefix of its own for one test file (or one test). */
export function testRedisPrefix(): string {
  return `test:${randomBytes(5).toString('hex')}:`;
}

/** Deletes a Redis event bus's streams (every `<base>:<source>` key of its base, `RedisEventBus.stream`). */
export async function deleteStreams(admin: Redis, base: string): Promise<void> {
  const keys = await admin.keys(`${base}:*`);
  if (keys.length > 0) await admin.del(...keys);
}

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

/** A `redis-server` this process started. */
export interface RunningRedis {
  url: string;
  /** The redis-server's process id (the benchmarks read its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts `binary` on a free loopback port, without persistence, in `dir`; resolves once it answers. */
export async function startRedisServer(binary: string, dir: string): Promise<RunningRedis> {
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
  return { url, pid: child.pid as number, stop };
}
