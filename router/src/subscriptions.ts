/**
 * GraphQL over WebSocket at the router (the `graphql-transport-ws` protocol
 * of graphql-ws), on the same port and path as HTTP:
 *
 * - the connection is authenticated from `connectionParams.authorization`
 *   with the same rules as HTTP (a bad or expired token closes the socket
 *   with 4403 Forbidden, and so does the token's expiry);
 * - each operation is admitted like every other (subscription-executor.ts
 *   `prepare`): a refusal is an `error` message for that operation, and the
 *   socket stays open;
 * - queries and mutations run through the gateway as over HTTP; their errors
 *   are `next` results with `errors`, never a closed socket, so a live UI can
 *   send its mutations on the socket its subscriptions use;
 * - subscriptions run in the subscription executor.
 */
import type { Server } from 'node:http';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import jwt from 'jsonwebtoken';
import { WebSocketServer } from 'ws';
import { callerFromAuthorization } from '../../platform/access-token.ts';
import { ANONYMOUS, type Caller } from '../../platform/caller.ts';
import { FormattedGraphQLError, type PreparedOperation, type SubscriptionExecutor } from './subscription-executor.ts';

export interface SubscriptionServerOptions {
  server: Server;
  tokenKey: string;
  executor: SubscriptionExecutor;
  /** Runs a query or mutation through the gateway (as HTTP does); errors come back formatted. */
  executeOperation(operation: PreparedOperation): Promise<{
    data?: Record<string, unknown> | null;
    errors?: readonly GraphQLFormattedError[];
    extensions?: Record<string, unknown>;
  }>;
}

export interface SubscriptionServer {
  /** Open sockets, live subscriptions (every transport) and bus listeners, for tests and metrics. */
  stats(): { sockets: number; subscriptions: number; topicListeners: number };
  close(): Promise<void>;
}

type SocketExtra = { caller: Caller } & Record<PropertyKey, unknown>;

/** Seconds since the epoch at which the bearer token in `authorization` expires, if it says. */
export function tokenExpiry(authorization: string | undefined): number | undefined {
  if (!authorization) return undefined;
  const claims = jwt.decode(authorization.replace(/^Bearer\s+/i, '').trim());
  return claims !== null && typeof claims === 'object' && typeof claims.exp === 'number' ? claims.exp : undefined;
}

export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { executor } = options;
  const wss = new WebSocketServer({ server: options.server, path: '/graphql' });
  const disposable = useServer<Record<string, unknown>, SocketExtra>(
    {
      async onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        const raw = params.authorization ?? params.Authorization;
        try {
          const authorization = typeof raw === 'string' ? raw : undefined;
          ctx.extra.caller = callerFromAuthorization(options.tokenKey, authorization);
          // A socket lives no longer than its token: at expiry it closes with Forbidden, and the client reconnects with a fresh one.
          const exp = tokenExpiry(authorization);
          if (exp !== undefined) {
            const timer = setTimeout(
              () => ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden: the access token expired'),
              exp * 1000 - Date.now(),
            );
            timer.unref();
            ctx.extra.socket.once('close', () => clearTimeout(timer));
          }
          return true;
        } catch {
          // Same rules as HTTP: a bad or expired token is refused with the protocol's Forbidden close code.
          return false;
        }
      },
      async onSubscribe(ctx, _id, payload) {
        const prepared = await executor.prepare(payload, ctx.extra.caller ?? ANONYMOUS, ctx.extra.request);
        if (Array.isArray(prepared)) return prepared;
        return {
          schema: executor.schema,
          document: prepared.document,
          variableValues: prepared.variables,
          operationName: prepared.operationName ?? null,
          contextValue: prepared,
        };
      },
      async execute(args) {
        const result = await options.executeOperation(args.contextValue as PreparedOperation);
        return {
          ...result,
          ...(result.errors ? { errors: result.errors.map((e) => new FormattedGraphQLError(e)) } : {}),
        } as ExecutionResult;
      },
      subscribe: (args) => executor.subscribe(args.contextValue as PreparedOperation),
    },
    wss,
  );

  return {
    stats: () => ({ sockets: wss.clients.size, ...executor.stats() }),
    async close() {
      // Ends every subscription (releasing its bus topics), then closes the sockets with 1001 Going Away.
      await executor.stopAll();
      // A client that stopped reading never completes the close handshake: cut it after a second
      // instead of waiting ws's 30 s.
      const cut = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, 1_000);
      try {
        await disposable.dispose();
      } finally {
        clearTimeout(cut);
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
