/**
 * The test run's Redis (global-setup): a `redis-server` started for the run,
 * or the one `REDIS_URL` names. Each test file isolates itself with its own
 * key prefix ({@link testRedisPrefix}): streams and pub/sub channels.
 */
import { randomBytes } from 'node:crypto';

/** URL of the test run's Redis; fails the test with the reason when there is none. */
export function testRedisUrl(): string {
  const url = process.env.BANK_TEST_REDIS_URL;
  if (url) return url;
  throw new Error(
    process.env.BANK_TEST_REDIS_ERROR ??
      'BANK_TEST_REDIS_URL is not set: run the tests with `npm test` (set REDIS_URL or install redis-server).',
  );
}

/** A key prefix of its own for one test file (or one test). */
export function testRedisPrefix(): string {
  return `test:${randomBytes(5).toString('hex')}:`;
}
