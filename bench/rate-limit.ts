/**
 * The CPU of the router's rate limit with Redis, which every operation
 * through the router passes: this process's (the router's share) and the
 * redis-server's, per operation counted.
 *
 *   PATH=node_modules/.bin:$PATH node bench/rate-limit.ts
 *   BENCH_BASELINE=/path/to/another/checkout PATH=node_modules/.bin:$PATH node bench/rate-limit.ts
 *
 * It starts a redis-server of its own (from the PATH; it needs one) in a
 * temporary folder, removed at the end. Each round counts `BENCH_TAKES`
 * (5,000) operations at `BENCH_RATE` per second (1,000: a router's rate on
 * this machine; a few every 10 ms), each of one of `BENCH_CALLERS` (200)
 * callers picked at random, with a limit none of them reaches (as `bench:transfers` and
 * `bench:gateways` run the router), and prints this process's CPU
 * (`process.cpuUsage()`) and the redis-server's (`/proc`) per operation,
 * both taken once the limiter's last counts have reached Redis. A first
 * path with the limit off (RATE_LIMIT_REQUESTS=0) measures the pacing's own
 * cost (its timers wake the process every 10 ms), and the last line gives
 * each limiter's figures less that, round by round. With `BENCH_BASELINE`, that
 * checkout's router/src/rate-limit.ts runs in each round too, before this
 * one's, against the same redis-server.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Caller } from '../platform/caller.ts';
import { createLogger } from '../platform/logger.ts';
import * as current from '../router/src/rate-limit.ts';
import { findTestRedis, startRedisServer } from '../test/support/redis.ts';
import { cpuMsOf, machineLine, median } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TAKES = Number(process.env.BENCH_TAKES ?? 5_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const TICK_MS = 10;
const PER_TICK = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
const CALLERS = Number(process.env.BENCH_CALLERS ?? 200);
/** Long enough for the last counts of a round to reach Redis (this checkout sends every 20 ms). */
const SETTLE_MS = 200;

async function main(): Promise<void> {
  const source = await findTestRedis({ PATH: process.env.PATH });
  if (!source || !('binary' in source)) throw new Error('this benchmark needs redis-server on the PATH.');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bank-rate-limit-'));
  const redis = await startRedisServer(source.binary, dir);
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  const callers: Caller[] = Array.from({ length: CALLERS }, () => ({
    kind: 'user',
    userId: randomUUID(),
    roles: ['CUSTOMER'],
  }));
  const modules: [string, typeof current][] = [];
  const baseline = process.env.BENCH_BASELINE;
  if (baseline) {
    const href = pathToFileURL(path.join(baseline, 'router/src/rate-limit.ts')).href;
    modules.push(['baseline', (await import(href)) as typeof current]);
  }
  modules.push(['this', current]);
  const limiters = [
    // The limit off: what the pacing itself costs, to take off the others' figures.
    ['off', current.createRateLimiter({ points: 0, windowSeconds: 60, trustedProxies: 0 }, redis.url, logger)] as const,
    ...modules.map(([name, module]) => {
      const limiter = module.createRateLimiter(
        { points: 1_000_000, windowSeconds: 60, trustedProxies: 0 },
        redis.url,
        logger,
      );
      return [name, limiter] as const;
    }),
  ];
  try {
    await Promise.all(limiters.map(([, limiter]) => limiter.ready()));
    console.log("The router's rate limit with Redis: CPU per operation counted");
    console.log(machineLine(null));
    console.log(
      `settings: ${TAKES} operations per round at ${RATE}/s (${PER_TICK} every ${TICK_MS} ms), ` +
        `${CALLERS} callers, ${ROUNDS} rounds`,
    );
    // TICK_MS apart, RATE's share of operations at once, each to a caller picked at random.
    const run = async (limiter: current.RateLimiter, takes: number) => {
      const started = { process: process.cpuUsage(), redis: cpuMsOf(redis.pid) };
      const taken: Promise<void>[] = [];
      for (let left = takes; left > 0; left -= PER_TICK) {
        for (let i = 0; i < Math.min(PER_TICK, left); i += 1) {
          taken.push(limiter.take(callers[Math.floor(Math.random() * CALLERS)] as Caller, '127.0.0.1'));
        }
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
      await Promise.all(taken);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const used = process.cpuUsage(started.process);
      return {
        process: (used.user + used.system) / takes,
        redis: ((cpuMsOf(redis.pid) - started.redis) * 1000) / takes,
      };
    };
    for (const [, limiter] of limiters) await run(limiter, Math.min(5_000, TAKES)); // warm-up
    const figures = new Map(limiters.map(([name]) => [name, { process: [] as number[], redis: [] as number[] }]));
    for (let round = 1; round <= ROUNDS; round += 1) {
      const line: string[] = [];
      for (const [name, limiter] of limiters) {
        const { process: ours, redis: theirs } = await run(limiter, TAKES);
        figures.get(name)?.process.push(ours);
        figures.get(name)?.redis.push(theirs);
        line.push(`${name} ${ours.toFixed(1)} µs (redis-server ${theirs.toFixed(1)} µs)`);
      }
      console.log(`round ${round}: ${line.join(', ')}`);
    }
    const text = (process: number, redisServer: number) =>
      `${process.toFixed(1)} µs (redis-server ${redisServer.toFixed(1)} µs)`;
    console.log(
      `medians: ${[...figures].map(([name, f]) => `${name} ${text(median(f.process), median(f.redis))}`).join(', ')}`,
    );
    // Each round's figure less the same round's with the limit off: the limit's own cost.
    const off = figures.get('off');
    const own = (name: string, of: 'process' | 'redis') =>
      median((figures.get(name)?.[of] ?? []).map((value, i) => value - (off?.[of][i] ?? 0)));
    console.log(
      `the limit's own (medians of each round's difference from "off"): ` +
        modules.map(([name]) => `${name} ${text(own(name, 'process'), own(name, 'redis'))}`).join(', '),
    );
  } finally {
    await Promise.all(limiters.map(([, limiter]) => limiter.close()));
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
