/**
 * Redis connections of the services (the event bus, the router's rate
 * limit and persisted queries): named for `CLIENT LIST`, reconnecting as ioredis does until their
 * owner is closing, logging an outage once (and its end), and closed without
 * losing replies.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

export interface RedisConnectionOptions {
  /** `CLIENT SETNAME` of the connection. */
  name: string;
  logger: Logger;
  /** Once true, the connection stops reconnecting (its owner is closing). */
  isClosing: () => boolean;
  /** Other ioredis options (for example `enableOfflineQueue: false`). */
  redis?: RedisOptions;
}

/** A new connection to `url` (which may carry credentials: never logged). */
export function connectRedis(url: string, options: RedisConnectionOptions): Redis {
  const { name, logger, isClosing } = options;
  const connection = new Redis(url, {
    ...options.redis,
    connectionName: name,
    retryStrategy: (times) => (isClosing() ? null : Math.min(times * 50, 2000)),
  });
  let failing = false;
  connection.on('error', (error: unknown) => {
    if (failing) return;
    failing = true;
    logger.warn({ err: error, connection: name }, 'redis connection error; reconnecting');
  });
  connection.on('ready', () => {
    if (failing) logger.info({ connection: name }, 'redis connection restored');
    failing = false;
  });
  return connection;
}

/**
 * Resolves once `connection` is ready, or after `timeoutMs` (its owner then
 * starts without it: a connection without an offline queue fails each command
 * at once until it is ready).
 */
export async function redisReady(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      connection.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    connection.on('ready', done);
  });
}

/**
 * Quits a connection, waiting for its pending replies. A connection waiting to
 * reconnect ends at its next attempt: its retry strategy gives up once closing
 * (`disconnect()` would leave it, and its queued commands, hanging).
 */
export async function closeRedis(connection: Redis): Promise<void> {
  while (connection.status !== 'end') {
    await new Promise<void>((resolve) => {
      const settled = () => {
        connection.off('end', settled);
        connection.off('ready', settled);
        resolve();
      };
      connection.on('end', settled);
      connection.on('ready', settled);
      if (connection.status === 'ready') connection.quit().catch(() => connection.disconnect());
      else if (connection.status === 'wait') connection.disconnect();
    });
  }
}
