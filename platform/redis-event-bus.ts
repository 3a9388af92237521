/**
 * The Redis event bus: the {@link EventBus} of every deployment with
 * `REDIS_URL` (several processes, several instances of a service).
 *
 * - Live fan-out (`publish`/`subscribe`) goes over Redis pub/sub through
 *   `graphql-redis-subscriptions` (`RedisPubSub`, JSON messages), on one
 *   publisher and one subscriber connection per bus. The Redis subscription
 *   of a channel lives as long as one listener of this bus does.
 * - The durable stream (`append`/`consume`) is a Redis stream per service
 *   that writes events (`bank:events:<source>`, {@link eventSource}), each
 *   capped at about {@link RedisEventBusOptions.maxLength} entries. Each
 *   `consume` is one member of a consumer group, reading the streams of the
 *   types it handles (one `XREADGROUP` over all of them) on its own blocking
 *   connection, so that it sleeps while other services' events flow; an
 *   event is acknowledged once its handler resolves (the events of one
 *   read together, after the last of them: see `#deliverAll`). A failed handler
 *   leaves the event pending: it is claimed again once it has been idle for
 *   {@link RedisEventBusOptions.claimIdleMs}, as are the events a dead
 *   consumer (a stopped or crashed process) left unacknowledged. Delivery is
 *   at least once per group: handlers are idempotent by event id.
 * - Presence (`watch`/`isWatching`) is a sorted set per user and topic whose
 *   members are watches scored by when they run out; each process renews its
 *   own, so the watches of a process that died run out by themselves.
 *
 * Payloads never reach the log (they can hold amounts): log lines name an
 * event by id and type only.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import {
  concurrencyOf,
  eventSource,
  presenceKey,
  typesOf,
  type ConsumeOptions,
  type DomainEvent,
  type EventBus,
  type Unsubscribe,
} from './event-bus.ts';
import type { Logger } from './logger.ts';
import { closeRedis, connectRedis } from './redis.ts';

export interface RedisEventBusOptions {
  /** `redis://` or `rediss://` URL (may carry credentials: never logged). */
  url: string;
  logger: Logger;
  /** Stream keys' base, after {@link keyPrefix}: each source's stream is `<base>:<source>`. Default `bank:events`. */
  stream?: string;
  /** Prepended to the stream key and to every pub/sub channel (tests isolate themselves with it). Default none. */
  keyPrefix?: string;
  /** `CLIENT SETNAME` base of this bus's connections (suffixed `:pub`, `:sub`, `:consumer`). */
  connectionName?: string;
  /** Approximate cap of each stream (`XADD MAXLEN ~`). Default 1,000,000. */
  maxLength?: number;
  /** A pending event idle this long is claimed again (failed handler, dead consumer). Default 30 s. */
  claimIdleMs?: number;
  /** How long one `XREADGROUP` blocks. Default 1 s. */
  blockMs?: number;
  /** Entries read per `XREADGROUP` / `XAUTOCLAIM`. Default 50. */
  batchSize?: number;
  /**
   * After a read that returned events but fewer than {@link batchSize}, a
   * consumer waits this long before the next one, so that what arrives
   * meanwhile is read and acknowledged together: under load each event no
   * longer wakes every consumer of every service, for at most this much
   * latency. Default 25 ms; 0 reads again at once.
   */
  coalesceMs?: number;
  /** Consumers of a group with nothing pending and idle this long are deleted from it. Default 1 hour. */
  consumerExpiryMs?: number;
  /** A watch (presence) not renewed for this long is over (its process died). Renewed every third of it. Default 30 s. */
  presenceTtlMs?: number;
}

/** One entry of the stream as Redis returns it; `fields` is null for an entry trimmed away. */
interface StreamEntry {
  id: string;
  fields: string[] | null;
}

/** The field of a stream entry that holds the JSON event. */
const EVENT_FIELD = 'event';

/** Stream entries of an `XREADGROUP` (of one stream) or `XAUTOCLAIM` list. */
function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    const fields = Array.isArray(item[1]) ? item[1].map(String) : null;
    entries.push({ id: item[0], fields });
  }
  return entries;
}

/** The event of an entry, or undefined when the entry is not a well-formed event. */
function parseEvent(fields: string[] | null): DomainEvent | undefined {
  if (fields === null) return undefined;
  const index = fields.findIndex((value, i) => i % 2 === 0 && value === EVENT_FIELD);
  const json = index === -1 ? undefined : fields[index + 1];
  if (json === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, type, occurredAt, payload, traceparent } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof occurredAt !== 'string') return undefined;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const event: DomainEvent = { id, type, occurredAt, payload: payload as Record<string, unknown> };
  // Trace context only (platform/tracing.ts ignores a malformed one); anything else is dropped.
  if (typeof traceparent === 'string' && traceparent.length <= 64) event.traceparent = traceparent;
  return event;
}

/**
 * For a channel's first SUBSCRIBE, `RedisPubSub.subscribe` keeps a deferred
 * promise on which later subscribers to the channel wait, and rejects it when
 * that SUBSCRIBE fails (the bus closed before Redis could be reached). With
 * no later subscriber nobody handles it, and an unhandled rejection ends the
 * process (a service stopping while Redis is away). The subscriber still
 * gets the failure from `subscribe` itself. Reads graphql-redis-subscriptions'
 * own map (2.7.0, pinned; platform/redis-event-bus.test.ts fails if it goes).
 */
function handleFirstSubscribe(pubsub: RedisPubSub, channel: string): void {
  const pending = (
    pubsub as unknown as { subsPendingRefsMap: Map<string, { pending: Promise<unknown> }> }
  ).subsPendingRefsMap.get(channel)?.pending;
  pending?.catch(() => undefined);
}

function errorCode(error: unknown): string {
  return error instanceof Error ? (error.message.split(' ')[0] ?? '') : '';
}

/**
 * `RedisPubSub.unsubscribe` drops the promise of its `UNSUBSCRIBE`: a
 * rejection (the connection closed meanwhile) would end the process. This
 * view of the subscriber connection catches it.
 */
function catchingUnsubscribe(connection: Redis, onError: (error: unknown) => void): Redis {
  return new Proxy(connection, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if ((property === 'unsubscribe' || property === 'punsubscribe') && typeof value === 'function') {
        return (...args: unknown[]): unknown => {
          const result: unknown = Reflect.apply(value, target, args);
          if (result instanceof Promise) result.catch(onError);
          return result;
        };
      }
      return value;
    },
  });
}

export class RedisEventBus implements EventBus {
  /** Base of the durable streams' keys, prefix included ({@link streamOf}). */
  readonly stream: string;
  readonly keyPrefix: string;
  readonly #options: RedisEventBusOptions;
  readonly #logger: Logger;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #pubsub: RedisPubSub;
  readonly #consumers = new Set<StreamConsumer>();
  /** The streams each group consumed here reads (for its lag). */
  readonly #groupStreams = new Map<string, readonly string[]>();
  /** Live listeners per channel: a Redis UNSUBSCRIBE is sent only when the last one leaves. */
  readonly #listeners = new Map<string, number>();
  readonly #maxLength: number;
  /** This process's watches (presence), by watch id: the Redis sorted set each is a member of. */
  readonly #watches = new Map<string, string>();
  readonly #presenceTtlMs: number;
  #renewal: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: RedisEventBusOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'redis-event-bus' });
    this.keyPrefix = options.keyPrefix ?? '';
    this.stream = `${this.keyPrefix}${options.stream ?? 'bank:events'}`;
    this.#maxLength = options.maxLength ?? 1_000_000;
    this.#presenceTtlMs = options.presenceTtlMs ?? 30_000;
    this.#publisher = this.#connect('pub');
    this.#subscriber = this.#connect('sub');
    this.#pubsub = new RedisPubSub({
      publisher: this.#publisher,
      subscriber: catchingUnsubscribe(this.#subscriber, (error) =>
        this.#logger.warn({ err: error }, 'redis unsubscribe failed'),
      ),
    });
  }

  /** The key of the stream that carries the events of type `type` (its source's). */
  streamOf(type: string): string {
    return `${this.stream}:${eventSource(type)}`;
  }

  /** The pub/sub channel of `topic`. */
  channel(topic: string): string {
    return `${this.keyPrefix}${topic}`;
  }

  async publish(topic: string, message: unknown): Promise<void> {
    this.#assertOpen();
    await this.#pubsub.publish(this.channel(topic), message);
  }

  async subscribe(topic: string, listener: (message: unknown) => void): Promise<Unsubscribe> {
    this.#assertOpen();
    const channel = this.channel(topic);
    this.#listeners.set(channel, (this.#listeners.get(channel) ?? 0) + 1);
    const subscribing = this.#pubsub.subscribe<unknown>(channel, (message) => {
      try {
        listener(message);
      } catch (error) {
        this.#logger.warn({ err: error, topic }, 'event listener failed');
      }
    });
    handleFirstSubscribe(this.#pubsub, channel);
    const id = await subscribing;
    let done = false;
    return async () => {
      if (done || this.#closed) return;
      done = true;
      this.#pubsub.unsubscribe(id);
      const left = (this.#listeners.get(channel) ?? 1) - 1;
      if (left > 0) {
        this.#listeners.set(channel, left);
        return;
      }
      this.#listeners.delete(channel);
      // The UNSUBSCRIBE (sent since this was the channel's last listener) is
      // answered before this PING: once it resolves, Redis has dropped it.
      await this.#subscriber.ping().catch(() => undefined);
    };
  }

  async append(event: DomainEvent): Promise<void> {
    this.#assertOpen();
    await this.#publisher.xadd(
      this.streamOf(event.type),
      'MAXLEN',
      '~',
      this.#maxLength,
      '*',
      EVENT_FIELD,
      JSON.stringify(event),
    );
  }

  async consume(
    group: string,
    handler: (event: DomainEvent) => Promise<void>,
    options: ConsumeOptions,
  ): Promise<Unsubscribe> {
    this.#assertOpen();
    const types = typesOf(group, options);
    const streams = [...new Set([...types].map((type) => this.streamOf(type)))].sort();
    this.#groupStreams.set(group, streams);
    const consumer = new StreamConsumer({
      connect: (isClosing) => this.#connect('consumer', isClosing),
      commands: this.#publisher,
      streams,
      types,
      group,
      name: `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
      handler,
      concurrency: concurrencyOf(options),
      logger: this.#logger.child({ group }),
      claimIdleMs: this.#options.claimIdleMs ?? 30_000,
      blockMs: this.#options.blockMs ?? 1000,
      batchSize: this.#options.batchSize ?? 50,
      coalesceMs: options.coalesceMs ?? this.#options.coalesceMs ?? 25,
      consumerExpiryMs: this.#options.consumerExpiryMs ?? 3_600_000,
    });
    this.#consumers.add(consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.#consumers.delete(consumer);
      await consumer.stop();
      throw error;
    }
    return async () => {
      this.#consumers.delete(consumer);
      await consumer.stop();
    };
  }

  /**
   * A watch is a member of the sorted set `presence:<topic>:<user>` scored by
   * when it runs out; this process renews all of its own in one pipeline
   * every third of the TTL, so a dead process's watches end by themselves.
   * Recording is best-effort: while Redis is away the watch is kept here and
   * written at the next renewal.
   */
  async watch(userId: string, topic: string): Promise<Unsubscribe> {
    this.#assertOpen();
    const key = `${this.keyPrefix}${presenceKey(userId, topic)}`;
    const id = randomBytes(8).toString('hex');
    this.#watches.set(id, key);
    this.#renewal ??= setInterval(() => void this.#renewWatches(), Math.max(10, Math.floor(this.#presenceTtlMs / 3)));
    this.#renewal.unref();
    await this.#writeWatches([[id, key]]);
    return async () => {
      if (!this.#watches.delete(id)) return;
      if (this.#watches.size === 0 && this.#renewal) {
        clearInterval(this.#renewal);
        this.#renewal = undefined;
      }
      if (!this.#closed) await this.#publisher.zrem(key, id).catch(() => undefined);
    };
  }

  async isWatching(userId: string, topic: string): Promise<boolean> {
    this.#assertOpen();
    const key = `${this.keyPrefix}${presenceKey(userId, topic)}`;
    return (await this.#publisher.zcount(key, Date.now(), '+inf')) > 0;
  }

  isConnected(): boolean {
    return !this.#closed && this.#publisher.status === 'ready';
  }

  /**
   * Over the streams the group reads (as consumed here; none for a group
   * this bus does not consume), `XINFO GROUPS`: the group's `lag` (entries
   * not yet delivered to it; Redis 7, null when Redis cannot tell after a
   * trim) plus its `pending` (delivered, not acknowledged). A group not
   * created yet on a stream lags by the whole stream.
   */
  async consumerLag(group: string): Promise<number> {
    this.#assertOpen();
    const lags = await Promise.all((this.#groupStreams.get(group) ?? []).map((stream) => this.#lagOn(stream, group)));
    return lags.reduce((sum, lag) => sum + lag, 0);
  }

  async #lagOn(stream: string, group: string): Promise<number> {
    let reply: unknown;
    try {
      reply = await this.#publisher.xinfo('GROUPS', stream);
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return 0;
      throw error;
    }
    for (const info of Array.isArray(reply) ? reply : []) {
      if (!Array.isArray(info)) continue;
      const field = (key: string): unknown => {
        const index = info.indexOf(key);
        return index === -1 ? undefined : info[index + 1];
      };
      if (field('name') !== group) continue;
      const lag = Number(field('lag') ?? 0);
      return (Number.isFinite(lag) ? lag : 0) + Number(field('pending') ?? 0);
    }
    return this.#publisher.xlen(stream);
  }

  /** Writes (or renews) watches with a fresh expiry; drops the expired members of their sets. */
  async #writeWatches(watches: [id: string, key: string][]): Promise<void> {
    if (watches.length === 0) return;
    const now = Date.now();
    const pipeline = this.#publisher.pipeline();
    for (const [id, key] of watches) {
      pipeline.zadd(key, now + this.#presenceTtlMs, id);
      pipeline.zremrangebyscore(key, '-inf', now);
      pipeline.pexpire(key, this.#presenceTtlMs * 2);
    }
    await pipeline.exec().catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'presence not recorded; retrying at the next renewal');
    });
  }

  async #renewWatches(): Promise<void> {
    if (this.#closed) return;
    await this.#writeWatches([...this.#watches]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#renewal) clearInterval(this.#renewal);
    this.#renewal = undefined;
    // This process's watches end now rather than when they run out.
    if (this.#watches.size > 0 && this.#publisher.status === 'ready') {
      const pipeline = this.#publisher.pipeline();
      for (const [id, key] of this.#watches) pipeline.zrem(key, id);
      await pipeline.exec().catch(() => undefined);
    }
    this.#watches.clear();
    await Promise.all([...this.#consumers].map((c) => c.stop()));
    this.#consumers.clear();
    await Promise.all([closeRedis(this.#subscriber), closeRedis(this.#publisher)]);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('The event bus is closed.');
  }

  /** A new connection of this bus (see platform/redis.ts); it reconnects until `isClosing`. */
  #connect(role: 'pub' | 'sub' | 'consumer', isClosing: () => boolean = () => this.#closed): Redis {
    return connectRedis(this.#options.url, {
      name: `${this.#options.connectionName ?? 'bank-event-bus'}:${role}`,
      logger: this.#logger,
      isClosing,
      // The ready check sends INFO, which Redis refuses on a connection already in subscriber mode
      // (ioredis resubscribes as it reconnects); ioredis then drops the connection again, and the
      // subscriptions with it ("Connection in subscriber mode" in a failed CI run's log).
      ...(role === 'sub' ? { redis: { enableReadyCheck: false } } : {}),
      // Commands sent in one tick (the relay's appends and publications of a batch) go in one write.
      ...(role === 'pub' ? { redis: { enableAutoPipelining: true } } : {}),
    });
  }
}

interface ConsumerOptions {
  /** Opens the consumer's dedicated connection (blocking reads, acknowledgements); it stops reconnecting once `isClosing`. */
  connect: (isClosing: () => boolean) => Redis;
  /** Shared connection for commands that must not wait behind a blocked read (CLIENT UNBLOCK). */
  commands: Redis;
  /** The streams read, in one `XREADGROUP`. */
  streams: readonly string[];
  /** The event types handed to `handler`; the others of these streams are acknowledged unhandled. */
  types: ReadonlySet<string>;
  group: string;
  name: string;
  handler: (event: DomainEvent) => Promise<void>;
  /** Events of a read handled at once ({@link ConsumeOptions.concurrency}). */
  concurrency: number;
  logger: Logger;
  claimIdleMs: number;
  blockMs: number;
  batchSize: number;
  coalesceMs: number;
  consumerExpiryMs: number;
}

/** One member of a consumer group, reading in a loop until stopped. */
class StreamConsumer {
  readonly #o: ConsumerOptions;
  readonly #abort = new AbortController();
  readonly #connection: Redis;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  /** True while an `XREADGROUP ... BLOCK` is in flight. */
  #reading = false;
  /** Redis id of the connection, for `CLIENT UNBLOCK`; refreshed after each reconnection. */
  #clientId: number | undefined;

  constructor(options: ConsumerOptions) {
    this.#o = options;
    this.#connection = options.connect(() => this.#stopped);
    this.#connection.on('close', () => {
      this.#clientId = undefined;
    });
  }

  get #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Creates the group on each stream if needed (reading it from its start) and starts the loop. */
  async start(): Promise<void> {
    await this.#ensureGroup();
    this.#loop = this.#run();
  }

  /** Ends the loop after the batch in hand (each of its events handled and acknowledged), then closes the connection. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#abort.abort();
    const loop = this.#loop ?? Promise.resolve();
    let finished = false;
    void loop.then(() => {
      finished = true;
    });
    const since = Date.now();
    while (!finished) {
      if (this.#reading) {
        const id = this.#clientId;
        // Ends the blocked read now, as if it had timed out: nothing read is lost.
        if (id !== undefined) this.#o.commands.client('UNBLOCK', id).catch(() => undefined);
        // No answer to the unblock: give up the read; what it was handed stays pending and is
        // claimed again. (A connection waiting to reconnect ends at its next attempt instead.)
        if (Date.now() - since > this.#o.blockMs + 500 && this.#connection.status === 'ready') {
          this.#connection.disconnect();
        }
      }
      await Promise.race([loop, sleep(50)]);
    }
    await closeRedis(this.#connection);
  }

  async #ensureGroup(): Promise<void> {
    for (const stream of this.#o.streams) {
      try {
        await this.#connection.xgroup('CREATE', stream, this.#o.group, '0', 'MKSTREAM');
      } catch (error) {
        if (errorCode(error) !== 'BUSYGROUP') throw error;
      }
    }
  }

  async #run(): Promise<void> {
    const { streams, group, name, logger } = this.#o;
    const newEntries = streams.map(() => '>');
    const connection = this.#connection;
    const claimEveryMs = Math.max(50, Math.floor(this.#o.claimIdleMs / 2));
    let nextClaim = 0;
    while (!this.#stopped) {
      try {
        if (Date.now() >= nextClaim) {
          await this.#claimStale();
          nextClaim = Date.now() + claimEveryMs;
          if (this.#stopped) break;
        }
        this.#clientId ??= await connection.client('ID');
        this.#reading = true;
        let reply: unknown;
        try {
          reply = await connection.xreadgroup(
            'GROUP',
            group,
            name,
            'COUNT',
            this.#o.batchSize,
            'BLOCK',
            this.#o.blockMs,
            'STREAMS',
            ...streams,
            ...newEntries,
          );
        } finally {
          this.#reading = false;
        }
        let read = 0;
        let full = false;
        for (const s of Array.isArray(reply) ? reply : []) {
          if (!Array.isArray(s) || typeof s[0] !== 'string') continue;
          const entries = parseEntries(s[1]);
          read += entries.length;
          full ||= entries.length >= this.#o.batchSize;
          await this.#deliverAll(s[0], entries);
        }
        // A part of a batch: let more arrive before reading again (a full one: read the rest at once).
        if (read > 0 && !full && this.#o.coalesceMs > 0) {
          await sleep(this.#o.coalesceMs, undefined, { signal: this.#abort.signal }).catch(() => undefined);
        }
      } catch (error) {
        if (this.#stopped) break;
        if (errorCode(error) === 'NOGROUP') {
          // The stream or the group was deleted: start over from what the stream holds.
          logger.warn('event stream consumer group missing; creating it again');
          await this.#ensureGroup().catch(() => undefined);
          continue;
        }
        logger.warn({ err: error }, 'event stream read failed; retrying');
        await sleep(1000, undefined, { signal: this.#abort.signal }).catch(() => undefined);
      }
    }
  }

  /** Takes over events pending longer than `claimIdleMs` (failed handlers, dead consumers) and handles them. */
  async #claimStale(): Promise<void> {
    for (const stream of this.#o.streams) {
      await this.#claimStaleOf(stream);
      if (this.#stopped) return;
      await this.#forgetIdleConsumers(stream);
    }
  }

  async #claimStaleOf(stream: string): Promise<void> {
    const { group, name, logger } = this.#o;
    const connection = this.#connection;
    let cursor = '0-0';
    do {
      const reply: unknown = await connection.xautoclaim(
        stream,
        group,
        name,
        this.#o.claimIdleMs,
        cursor,
        'COUNT',
        this.#o.batchSize,
      );
      if (!Array.isArray(reply)) return;
      cursor = typeof reply[0] === 'string' ? reply[0] : '0-0';
      const deleted: unknown = reply[2];
      if (Array.isArray(deleted) && deleted.length > 0) {
        logger.error({ count: deleted.length }, 'pending events were trimmed from the stream before being handled');
      }
      await this.#deliverAll(stream, parseEntries(reply[1]));
    } while (cursor !== '0-0' && !this.#stopped);
  }

  /** Deletes members of the group that hold nothing and have not read `stream` for a long time (earlier processes). */
  async #forgetIdleConsumers(stream: string): Promise<void> {
    const { group, name } = this.#o;
    const connection = this.#connection;
    const reply: unknown = await connection.xinfo('CONSUMERS', stream, group);
    if (!Array.isArray(reply)) return;
    for (const info of reply) {
      if (!Array.isArray(info)) continue;
      const field = (key: string): unknown => {
        const index = info.indexOf(key);
        return index === -1 ? undefined : info[index + 1];
      };
      const consumer = field('name');
      if (typeof consumer !== 'string' || consumer === name) continue;
      if (Number(field('pending')) === 0 && Number(field('idle')) > this.#o.consumerExpiryMs) {
        await connection.xgroup('DELCONSUMER', stream, group, consumer);
      }
    }
  }

  /**
   * Handles entries of `stream`: in order, or up to `concurrency` at once.
   * The ones handled (and the malformed ones, and those of types this
   * consumer does not handle) are acknowledged together by one `XACK`
   * after the batch (an `XACK` each cost a round trip per event and group);
   * in a batch still at work a quarter of `claimIdleMs` after it was read,
   * each as soon as it is handled, as before, so that another consumer does
   * not claim events already done. A crash before the `XACK` delivers them
   * again, as at-least-once allows. The batch in hand is finished even when
   * stopping.
   */
  async #deliverAll(stream: string, entries: StreamEntry[]): Promise<void> {
    const { group, handler, types, logger } = this.#o;
    const connection = this.#connection;
    const handled: string[] = [];
    const readAt = Date.now();
    const acknowledge = async () => {
      if (handled.length > 0) await connection.xack(stream, group, ...handled.splice(0));
    };
    const deliver = async (entry: StreamEntry) => {
      const event = parseEvent(entry.fields);
      if (event === undefined) {
        logger.error({ entryId: entry.id }, 'malformed entry in the event stream; acknowledged and skipped');
      } else if (types.has(event.type)) {
        try {
          await handler(event);
        } catch (error) {
          logger.warn(
            { err: error, eventId: event.id, eventType: event.type },
            'event handler failed; the event stays pending and is retried',
          );
          return;
        }
      }
      handled.push(entry.id);
      if (Date.now() - readAt > this.#o.claimIdleMs / 4) await acknowledge();
    };
    let next = 0;
    const worker = async () => {
      for (let entry = entries[next++]; entry !== undefined; entry = entries[next++]) await deliver(entry);
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, entries.length) }, worker));
    await acknowledge();
  }
}
