/**
 * graphql-ws clients for end-to-end subscription tests through the router.
 */
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

/** What a subscription yields: data and/or formatted errors. */
export type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import WebSocket from 'ws';

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
