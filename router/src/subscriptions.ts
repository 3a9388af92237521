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
import type { IncomingMessage, Server } from 'node:http';
import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  bearerToken,
  callerFromAuthorization,
  unverifiedClaims,
  userAccessToken,
} from '../../platform/access-token.ts';
import { ANONYMOUS, type Caller } from '../../platform/caller.ts';
import { MAX_BODY_BYTES } from '../../platform/http-server.ts';
import type { Logger } from '../../platform/logger.ts';
import { FormattedGraphQLError, type PreparedOperation, type SubscriptionExecutor } from './subscription-executor.ts';

export interface SubscriptionServerOptions {
  server: Server;
  logger: Logger;
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

/** What each socket's context carries besides graphql-ws's own. */
interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
  caller?: Caller;
  /** The signed-in user's access token (see RouterContext.accessToken). */
  accessToken?: string | undefined;
}

/** A ping to every client this often; one that has not answered by the next is cut. */
const KEEPALIVE_MS = 12_000;

/**
 * graphql-ws's transport-independent server (`makeServer`) over `ws` sockets,
 * as graphql-ws/use/ws does it, with two differences: a client that breaks
 * the protocol by sending a message only a server sends (`next`,
 * `connection_ack`...) is closed with 4400 Bad Request, not 4500 Internal
 * Server Error; and what goes wrong is logged with the router's logger, not
 * the console.
 */
function serveOverWs(
  wss: WebSocketServer,
  server: ReturnType<typeof makeServer<Record<string, unknown>, SocketExtra>>,
  logger: Logger,
): void {
  wss.on('connection', (socket, request) => {
    socket.once('error', (error) => {
      logger.warn({ err: error }, 'graphql-ws socket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    let pongWait: NodeJS.Timeout | undefined;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEPALIVE_MS);
      socket.once('pong', () => clearTimeout(pongWait));
      socket.ping();
    }, KEEPALIVE_MS);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              const broken = error instanceof Error && /^Unexpected message of type/.test(error.message);
              if (broken) {
                socket.close(CloseCode.BadRequest, 'Invalid message received');
              } else {
                logger.error({ err: error }, 'graphql-ws message failed');
                socket.close(CloseCode.InternalServerError, 'Internal server error');
              }
            });
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      clearTimeout(pongWait);
      closed(code, String(reason)).catch((error: unknown) => logger.error({ err: error }, 'graphql-ws close failed'));
    });
  });
}

/** Seconds since the epoch at which the bearer token in `authorization` expires, if it says. */
export function tokenExpiry(authorization: string | undefined): number | undefined {
  const exp = unverifiedClaims(bearerToken(authorization))?.exp;
  return typeof exp === 'number' ? exp : undefined;
}

export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { executor } = options;
  // Frames are bounded like HTTP bodies: ws would otherwise take 100 MiB (it closes with 1009 Message Too Big).
  const wss = new WebSocketServer({
    server: options.server,
    path: '/graphql',
    handleProtocols,
    maxPayload: MAX_BODY_BYTES,
  });
  const protocol: ServerOptions<Record<string, unknown>, SocketExtra> = {
    async onConnect(ctx) {
      const params = ctx.connectionParams ?? {};
      const raw = params.authorization ?? params.Authorization;
      try {
        const authorization = typeof raw === 'string' ? raw : undefined;
        ctx.extra.caller = callerFromAuthorization(options.tokenKey, authorization);
        ctx.extra.accessToken = userAccessToken(ctx.extra.caller, authorization);
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
      const prepared = await executor.prepare(payload, ctx.extra.caller ?? ANONYMOUS, ctx.extra.request, {
        accessToken: ctx.extra.accessToken,
      });
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
  };
  serveOverWs(wss, makeServer(protocol), options.logger);

  return {
    stats: () => ({ sockets: wss.clients.size, ...executor.stats() }),
    async close() {
      // Ends every subscription (releasing its bus topics), then closes the sockets with 1001 Going Away.
      await executor.stopAll();
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      // A client that stopped reading never completes the close handshake: cut it after a second
      // instead of waiting ws's 30 s (the server's close waits for every socket).
      const cut = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, 1_000);
      try {
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
