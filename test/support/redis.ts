/**
 * The test run's Redis (global-setup): a `redis-server` started for the run,
 * or the one `REDIS_URL` names. Each test file isolates itself with its own
 * key prefix ({@link testRedisPrefix}): streams and pub/sub channels.
 *
 * Without either, the run stops before anything else with {@link REDIS_MISSING}:
 * `npm test` says it in its first step (`bin/check-test-prerequisites.ts`),
 * `npx jest` in its global setup.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

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
