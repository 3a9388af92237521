/**
 * graphql-ws clients for end-to-end subscription tests through the router.
 */
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

/** What a subscription yields: data and/or formatted errors. */
export type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import WebSocket from 'ws';
import type { JsonResponse } from './stack.ts';

export interface WsClient {
  client: Client;
  /** Resolves with the close event code once the socket closes. */
  closed: Promise<number>;
  dispose(): Promise<void>;
}

/** Connects to the router's /graphql over WebSocket, optionally with an access token. */
export function connect(routerUrl: string, token?: string): WsClient {
  let onClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => onClosed((event as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closed,
    async dispose() {
      await client.dispose();
    },
  };
}

/** A subscription's results, read one at a time with a timeout. */
export interface Subscription<T> {
  next(timeoutMs?: number): Promise<ExecutionResult<T>>;
  /** Resolves when nothing arrives for `ms` (no event for this subscriber). */
  nothingWithin(ms: number): Promise<boolean>;
  stop(): Promise<void>;
}

export function subscribe<T = Record<string, unknown>>(
  ws: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
): Subscription<T> {
  const iterator = ws.client.iterate<T>({ query, variables });
  let pending: Promise<IteratorResult<ExecutionResult<T>>> | undefined;
  const take = () => (pending ??= iterator.next());
  return {
    async next(timeoutMs = 5_000) {
      let result: IteratorResult<ExecutionResult<T>>;
      try {
        result = await Promise.race([
          take(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no result in time')), timeoutMs).unref(),
          ),
        ]);
      } catch (error) {
        pending = undefined;
        // The protocol's `error` message (a refused operation) ends the iteration with the errors.
        if (Array.isArray(error)) return { errors: error } as ExecutionResult<T>;
        throw error;
      }
      pending = undefined;
      if (result.done) throw new Error('the subscription completed');
      return result.value;
    },
    async nothingWithin(ms) {
      const outcome = await Promise.race([
        take().then(() => 'event' as const),
        new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), ms).unref()),
      ]);
      return outcome === 'quiet';
    },
    async stop() {
      await iterator.return?.();
    },
  };
}

/** Waits until `condition` holds, polling every 20 ms; fails after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A graphql-transport-ws protocol message, as a raw socket sees it. */
export interface RawMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/**
 * A WebSocket that speaks graphql-transport-ws by hand, for what the
 * graphql-ws client hides: a client that stops reading (`socket.pause()`),
 * the exact close code, the messages received before the close.
 */
export interface RawSocket {
  socket: WebSocket;
  /** Every message received so far, in order. */
  messages: RawMessage[];
  /** Resolves with the close code once the socket closes. */
  closed: Promise<number>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  /** The first message received (or to come) that matches. */
  waitFor(predicate: (message: RawMessage) => boolean, timeoutMs?: number): Promise<RawMessage>;
  /** The first answer to operation `id`: its first `next`, or the `error` refusing it. */
  answerTo(id: string, timeoutMs?: number): Promise<RawMessage>;
}

/** The errors of an answer: an `error` message's payload, or those of a `next`'s result (none: empty). */
export function errorsOf(message: RawMessage): NonNullable<JsonResponse['errors']> {
  const errors = message.type === 'error' ? message.payload : (message.payload as JsonResponse | undefined)?.errors;
  return (errors ?? []) as NonNullable<JsonResponse['errors']>;
}

/** Opens a raw graphql-transport-ws socket on the router and waits for `connection_ack`. */
export async function rawConnect(routerUrl: string, token?: string): Promise<RawSocket> {
  const socket = new WebSocket(routerUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: RawMessage[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as RawMessage);
    for (const wake of waiters) wake();
  });
  const raw: RawSocket = {
    socket,
    messages,
    closed,
    subscribe(id, query, variables = {}) {
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, left);
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    answerTo(id, timeoutMs) {
      return raw.waitFor((m) => m.id === id && (m.type === 'next' || m.type === 'error'), timeoutMs);
    },
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} }));
  await raw.waitFor((m) => m.type === 'connection_ack');
  return raw;
}
