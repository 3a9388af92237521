/**
 * Chooses the event bus of a process: Redis when `REDIS_URL` is set (every
 * deployment with more than one process), else the in-process bus of the
 * embedded default.
 */
import type { Config } from './config.ts';
import { InProcessEventBus, type EventBus } from './event-bus.ts';
import type { Logger } from './logger.ts';
import { RedisEventBus, type RedisEventBusOptions } from './redis-event-bus.ts';

export function createEventBus(
  config: Pick<Config, 'redisUrl'>,
  logger: Logger,
  options: Omit<RedisEventBusOptions, 'url' | 'logger'> = {},
): EventBus {
  if (config.redisUrl === undefined) return new InProcessEventBus();
  return new RedisEventBus({ ...options, url: config.redisUrl, logger });
}
