/**
 * The event bus: how domain events leave the service that wrote them.
 *
 * Two kinds of delivery sit behind one interface:
 * - `publish`/`subscribe`: live fan-out (subscriptions), at most once, to
 *   whoever listens now;
 * - `append`/`consume`: a durable stream for consumers that must not miss an
 *   event (notifications); each event is delivered at least once per
 *   consumer group and carries an id for idempotent handling;
 * - `watch`/`isWatching`: presence, who watches a live topic now (the
 *   routers hold the subscriptions; messaging asks before notifying).
 *
 * This file holds the in-process implementation used by the embedded default
 * (`npm start` without `REDIS_URL`); redis-event-bus.ts implements the same
 * interface over Redis pub/sub and a Redis stream (see event-bus-factory.ts).
 */
import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';

/** A domain event as written to an outbox and carried by the bus. */
export interface DomainEvent<TPayload = Record<string, unknown>> {
  /** Unique id (UUID): consumers use it to handle each event once. */
  id: string;
  /** Dotted name, e.g. `identity.user.registered`. */
  type: string;
  /** When the state change happened (ISO 8601). */
  occurredAt: string;
  payload: TPayload;
  /**
   * W3C trace context of the operation that wrote the event (platform/tracing.ts): the relay's
   * publication, each consumer's handling and each subscription delivery join that trace. Absent
   * when tracing is off.
   */
  traceparent?: string;
}

/** The key of one user's presence on one topic (shared by both buses). */
export function presenceKey(userId: string, topic: string): string {
  return `presence:${topic}:${userId}`;
}

/** Stops a subscription or a consumer. */
export type Unsubscribe = () => Promise<void>;

/** How a consumer takes the events of the durable stream. */
export interface ConsumeOptions {
  /**
   * The event types the consumer handles: the handler sees these alone, and
   * the others are passed over as handled. The Redis bus keeps a stream per
   * service that writes events ({@link eventSource}) and reads only the
   * streams of these types, so a consumer is not woken by events it does not
   * handle (every transfer once woke every consumer of every service).
   */
  types: readonly string[];
  /**
   * Events in hand at once (default 1: each after the one before, in order).
   * Above 1, the events the bus has at hand are passed to the handler without
   * waiting for each other, up to this many at a time, so that a handler can
   * write several in one statement; their order is then no longer kept. Each
   * event is still acknowledged only once its own handler resolved.
   */
  concurrency?: number;
  /**
   * How long, under load, the consumer may wait to take more events at once
   * (the Redis bus: after a read of fewer than a batch; by default its
   * `coalesceMs`, 25 ms). The in-process bus has no reads and ignores it.
   */
  coalesceMs?: number;
}

/**
 * The service an event type comes from: its first dotted part
 * (`identity.user.registered` is identity's), the whole type if it has none.
 * Each source has its own Redis stream.
 */
export function eventSource(type: string): string {
  const dot = type.indexOf('.');
  return dot === -1 ? type : type.slice(0, dot);
}

/** The event types a consumer of `group` handles ({@link ConsumeOptions.types}); a consumer must name one at least. */
export function typesOf(group: string, options: ConsumeOptions): ReadonlySet<string> {
  const types = new Set(options.types);
  if (types.size === 0) throw new Error(`Consumer group ${group} names no event type.`);
  return types;
}

/** The events a consumer has in hand at once: its `concurrency`, a whole number of at least 1 (1 otherwise). */
export function concurrencyOf(options: ConsumeOptions): number {
  const { concurrency } = options;
  return concurrency !== undefined && Number.isInteger(concurrency) && concurrency > 1 ? concurrency : 1;
}

/**
 * How the consumers nobody waits for take their events (the mirrors of other
 * subgraphs' users and applications, erasure): under load, a read a quarter
 * of a second at most, instead of one each 25 ms, for each of their groups
 * in each process. An event reaches them that much later at most, and only
 * while the stream is busy.
 */
export const BACKGROUND_CONSUMER: Readonly<Omit<ConsumeOptions, 'types'>> = Object.freeze({ coalesceMs: 250 });

export interface EventBus {
  /** Live fan-out on `topic`. */
  publish(topic: string, message: unknown): Promise<void>;
  subscribe(topic: string, listener: (message: unknown) => void): Promise<Unsubscribe>;
  /** Durable append of a domain event to the stream. */
  append(event: DomainEvent): Promise<void>;
  /**
   * Consumes the durable stream's events of `options.types` as member of
   * `group`; `handler` must be idempotent by event id. An event is
   * acknowledged once `handler` resolves.
   */
  consume(group: string, handler: (event: DomainEvent) => Promise<void>, options: ConsumeOptions): Promise<Unsubscribe>;
  /**
   * Presence: records that `userId` watches `topic` live (a router holding
   * one of their subscriptions) until the returned function is called, or,
   * if the process holding it dies, for a short while after. Several watches
   * of the same user and topic (two tabs, two routers) count separately.
   */
  watch(userId: string, topic: string): Promise<Unsubscribe>;
  /** Whether `userId` watches `topic` now (on any process sharing this bus). */
  isWatching(userId: string, topic: string): Promise<boolean>;
  /** Whether the bus answers now (metrics: `bank_event_bus_connected`). */
  isConnected(): boolean;
  /**
   * Events of the durable stream that `group` has not handled yet: not yet
   * delivered to it, or delivered and not acknowledged (metrics).
   */
  consumerLag(group: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A view of `bus` that passes every call on, but for the methods given
 * (the wrappers that measure a subgraph's consumers and trace its events).
 */
export function busView(bus: EventBus, replaced: Partial<EventBus>): EventBus {
  return {
    publish: (topic, message) => bus.publish(topic, message),
    subscribe: (topic, listener) => bus.subscribe(topic, listener),
    append: (event) => bus.append(event),
    consume: (group, handler, options) => bus.consume(group, handler, options),
    watch: (userId, topic) => bus.watch(userId, topic),
    isWatching: (userId, topic) => bus.isWatching(userId, topic),
    isConnected: () => bus.isConnected(),
    consumerLag: (group) => bus.consumerLag(group),
    close: () => bus.close(),
    ...replaced,
  };
}

/** Options of an {@link InProcessEventBus}. */
export interface InProcessEventBusOptions {
  /**
   * Events kept once every consumer group has handled them (about; default
   * 10,000): older ones are dropped, so a long-running process does not keep
   * every event it ever carried. An event some group has not handled yet is
   * never dropped.
   */
  retain?: number;
}

/**
 * In-process bus for one process (the embedded default and tests). Durable
 * only for the life of the process: events appended before a group starts
 * consuming are delivered to it when it starts, from the earliest event
 * still kept (see {@link InProcessEventBusOptions.retain}), as a Redis
 * group created on a capped stream reads from its first entry.
 */
export class InProcessEventBus implements EventBus {
  readonly #live = new EventEmitter({ captureRejections: false });
  /** The events kept: `#stream[0]` is event number `#first` of the whole stream. */
  readonly #stream: DomainEvent[] = [];
  #first = 0;
  readonly #retain: number;
  readonly #groups = new Map<
    string,
    {
      offset: number;
      handler: (event: DomainEvent) => Promise<void>;
      types: ReadonlySet<string>;
      concurrency: number;
      running: boolean;
    }
  >();
  /** Watches per user and topic. */
  readonly #watching = new Map<string, number>();

  constructor(options: InProcessEventBusOptions = {}) {
    this.#live.setMaxListeners(0);
    this.#retain = options.retain ?? 10_000;
  }

  async publish(topic: string, message: unknown): Promise<void> {
    this.#live.emit(topic, message);
  }

  async subscribe(topic: string, listener: (message: unknown) => void): Promise<Unsubscribe> {
    this.#live.on(topic, listener);
    return async () => {
      this.#live.off(topic, listener);
    };
  }

  async append(event: DomainEvent): Promise<void> {
    this.#stream.push(event);
    this.#trim();
    for (const name of this.#groups.keys()) void this.#drain(name);
  }

  async consume(
    group: string,
    handler: (event: DomainEvent) => Promise<void>,
    options: ConsumeOptions,
  ): Promise<Unsubscribe> {
    const existing = this.#groups.get(group);
    // Appends happen inside the appender's async context (an outbox transaction of
    // another subgraph, in one process): run the handler in the consumer's own.
    const bound = AsyncResource.bind(handler);
    this.#groups.set(group, {
      offset: existing?.offset ?? this.#first,
      handler: bound,
      types: typesOf(group, options),
      concurrency: concurrencyOf(options),
      running: false,
    });
    void this.#drain(group);
    return async () => {
      this.#groups.delete(group);
    };
  }

  async watch(userId: string, topic: string): Promise<Unsubscribe> {
    const key = presenceKey(userId, topic);
    this.#watching.set(key, (this.#watching.get(key) ?? 0) + 1);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const left = (this.#watching.get(key) ?? 1) - 1;
      if (left > 0) this.#watching.set(key, left);
      else this.#watching.delete(key);
    };
  }

  async isWatching(userId: string, topic: string): Promise<boolean> {
    return this.#watching.has(presenceKey(userId, topic));
  }

  isConnected(): boolean {
    return true;
  }

  async consumerLag(group: string): Promise<number> {
    const offset = this.#groups.get(group)?.offset ?? this.#first;
    return this.#first + this.#stream.length - offset;
  }

  async close(): Promise<void> {
    this.#live.removeAllListeners();
    this.#groups.clear();
    this.#watching.clear();
  }

  /**
   * Delivers pending events to `group`, up to its `concurrency` at once (the
   * events of other types pass as handled). The group's position moves past
   * the events handled up to the first failure; that one and those after it
   * are delivered again with the next append.
   */
  async #drain(name: string): Promise<void> {
    const group = this.#groups.get(name);
    if (!group || group.running) return;
    group.running = true;
    try {
      while (this.#groups.get(name) === group) {
        const start = group.offset - this.#first;
        const events = this.#stream.slice(start, start + group.concurrency);
        if (events.length === 0) break;
        const results = await Promise.allSettled(
          events.map(async (event) => (group.types.has(event.type) ? group.handler(event) : undefined)),
        );
        const failed = results.findIndex((r) => r.status === 'rejected');
        group.offset += failed === -1 ? events.length : failed;
        if (failed !== -1) break;
      }
    } finally {
      group.running = false;
    }
  }

  /**
   * Drops the oldest events every group has handled, beyond `#retain`; only
   * once they are a tenth over it, so that the copy of what is kept is rare.
   * With no group, nothing is dropped: a group that starts later receives it.
   */
  #trim(): void {
    const excess = this.#stream.length - this.#retain;
    if (excess <= this.#retain / 10 || this.#groups.size === 0) return;
    let handled = excess;
    for (const group of this.#groups.values()) handled = Math.min(handled, group.offset - this.#first);
    if (handled <= 0) return;
    this.#stream.splice(0, handled);
    this.#first += handled;
  }
}
