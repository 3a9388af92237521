/**
 * Subscriptions over plain HTTP with the multipart protocol that Apollo
 * Router serves and Apollo Client's `HttpLink` speaks
 * (https://www.apollographql.com/docs/graphos/routing/operations/subscriptions/multipart-protocol):
 * a POST to `/graphql` whose `Accept` names
 * `multipart/mixed;subscriptionSpec="1.0"` is answered with a stream of
 * parts, one per event, so a frontend needs no WebSocket.
 *
 * The same rules as graphql-ws, from the same code: the caller comes from the
 * `Authorization` header as for any HTTP request; the operation is admitted
 * by the subscription executor (rate limit, limits, input rules) and runs
 * there, events resolved per subscriber. Refusals before the stream starts
 * are ordinary JSON answers (401, 400, 429 with `Retry-After`, or a 200 whose
 * `errors` say FORBIDDEN or NOT_FOUND); once it runs:
 *
 * - every event is a part `{"payload": <result>}`;
 * - `{}` parts are heartbeats, one at the start and then every
 *   {@link HEARTBEAT_MS}, so proxies keep the connection;
 * - the stream ends with the closing boundary when the subscription ends, or
 *   after a transport error part `{"payload": null, "errors": [...]}` when
 *   the access token expires (a stream lives no longer than its token, like
 *   a socket) or the router shuts down.
 *
 * A subscription sent without that `Accept` is refused here with 406 (405
 * for a GET) and how to subscribe.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, parse, type ExecutionResult, type GraphQLError } from 'graphql';
import { callerFromAuthorization, userAccessToken } from '../../platform/access-token.ts';
import type { Caller } from '../../platform/caller.ts';
import { BankError, ErrorCode, sendHttpError, UnauthenticatedError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SubscriptionExecutor } from './subscription-executor.ts';
import { subscriptionTransportError } from './request-checks.ts';
import { tokenExpiry } from './subscriptions.ts';

/** Between heartbeats (Apollo Router sends one every 5 s too). */
export const HEARTBEAT_MS = 5_000;
const BOUNDARY = 'graphql';
export const MULTIPART_CONTENT_TYPE = `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`;

/** Does an `Accept` header ask for multipart subscriptions? */
export function acceptsMultipartSubscription(accept: string | undefined): boolean {
  return accept !== undefined && /multipart\/mixed[^,]*subscriptionSpec\s*=\s*"?1\.0"?/i.test(accept);
}

export interface MultipartSubscriptionOptions {
  executor: SubscriptionExecutor;
  tokenKey: string;
  maxTokens: number;
  logger: Logger;
  /** Overrides {@link HEARTBEAT_MS} (tests). */
  heartbeatMs?: number;
}

/**
 * The `intercept` of the router's HTTP server: it takes every subscription
 * sent over HTTP, so Apollo Server (which cannot run them, and whose
 * validation throws on some subscription documents) never sees one:
 * a POST whose `Accept` asks for multipart is streamed; any other POST is
 * 406 and a GET 405, each saying how to subscribe.
 */
export function multipartSubscriptions(options: MultipartSubscriptionOptions) {
  const { executor, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const streams = new Set<() => void>();

  const intercept = async ({
    req,
    res,
    operation: request,
    requestId,
  }: {
    req: IncomingMessage;
    res: ServerResponse;
    /** The operation the request carries (router.ts: request-checks.ts `httpOperation`, its text filled in from the trusted documents). */
    operation: Record<string, unknown> | undefined;
    requestId: string;
  }): Promise<boolean> => {
    if (!request || !isSubscription(request, options.maxTokens)) return false; // Apollo answers it (or refuses it)
    if (req.method !== 'POST' || !acceptsMultipartSubscription(req.headers.accept)) {
      const error = subscriptionTransportError();
      const status = req.method === 'POST' ? 406 : 405;
      if (status === 405) res.setHeader('allow', 'POST');
      sendResult(res, status, { errors: executor.format([error]) });
      return true;
    }

    let caller: Caller;
    try {
      caller = callerFromAuthorization(options.tokenKey, req.headers.authorization);
    } catch (error) {
      sendHttpError(res, error, logger);
      return true;
    }
    const prepared = await executor.prepare(request, caller, req, {
      requestId,
      accessToken: userAccessToken(caller, req.headers.authorization),
    });
    if (Array.isArray(prepared)) {
      sendErrors(res, refusalStatus(prepared), prepared);
      return true;
    }
    const started = await executor.subscribe(prepared);
    if (!isAsyncIterable(started)) {
      // Refused by the owning subgraph (NOT_FOUND...): an ordinary result with its errors.
      sendResult(res, 200, started);
      return true;
    }
    await stream(req, res, started);
    return true;
  };

  async function stream(req: IncomingMessage, res: ServerResponse, events: AsyncGenerator<ExecutionResult>) {
    res.writeHead(200, {
      'content-type': MULTIPART_CONTENT_TYPE,
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
    });
    let ended = false;
    let finalError: GraphQLError | undefined;
    const end = (error?: GraphQLError) => {
      if (ended) return;
      ended = true;
      finalError ??= error;
      void events.return(undefined);
    };
    const stop = () =>
      end(new BankError(ErrorCode.SERVICE_UNAVAILABLE, 'The router is shutting down; subscribe again.'));
    streams.add(stop);
    res.once('close', () => end());
    const heartbeat = setInterval(() => write(res, '{}'), heartbeatMs);
    heartbeat.unref();
    const exp = tokenExpiry(req.headers.authorization);
    const expiry =
      exp === undefined
        ? undefined
        : setTimeout(
            () =>
              end(new UnauthenticatedError('The access token has expired; refresh it.', { reason: 'TOKEN_EXPIRED' })),
            exp * 1000 - Date.now(),
          );
    expiry?.unref();
    try {
      // Each part is written with the delimiter that ends it, so a client can read it at once.
      res.write(`\r\n--${BOUNDARY}`);
      write(res, '{}');
      for await (const result of events) {
        if (ended) break;
        if (!write(res, JSON.stringify({ payload: result }))) await drained(res);
      }
    } catch (error) {
      logger.error({ err: error }, 'multipart subscription failed');
      finalError ??= new BankError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
    } finally {
      clearInterval(heartbeat);
      if (expiry) clearTimeout(expiry);
      streams.delete(stop);
      if (!res.destroyed) {
        if (finalError) write(res, JSON.stringify({ payload: null, errors: executor.format([finalError]) }));
        res.end('--\r\n');
      }
    }
  }

  return {
    intercept,
    /** Streams open now. */
    count: () => streams.size,
    /** Ends every stream (router shutdown) with a transport error telling clients to subscribe again. */
    stopAll(): void {
      for (const stop of [...streams]) stop();
    },
  };
}

/**
 * Is the operation the request would run a subscription? Parse errors and
 * unknown operation names are Apollo's to answer. Only documents that name
 * `subscription` are parsed here.
 */
function isSubscription(body: Record<string, unknown>, maxTokens: number): boolean {
  if (typeof body.query !== 'string' || !body.query.includes('subscription')) return false;
  try {
    const document = parse(body.query, { maxTokens, noLocation: true });
    const name = typeof body.operationName === 'string' ? body.operationName : undefined;
    return getOperationAST(document, name)?.operation === 'subscription';
  } catch {
    return false;
  }
}

function write(res: ServerResponse, json: string): boolean {
  if (res.destroyed || res.writableEnded) return true;
  return res.write(`\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}\r\n--${BOUNDARY}`);
}

/** Waits until a slow client has taken what was written (or left). */
async function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
}

function isAsyncIterable(value: unknown): value is AsyncGenerator<ExecutionResult> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

function refusalStatus(errors: readonly GraphQLError[]): number {
  if (errors.some((e) => e.extensions.code === ErrorCode.RATE_LIMITED)) return 429;
  return 400;
}

function sendErrors(res: ServerResponse, status: number, errors: readonly GraphQLError[]): void {
  const retryAfter = errors.find((e) => typeof e.extensions.retryAfterSeconds === 'number')?.extensions
    .retryAfterSeconds;
  if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
  sendResult(res, status, { errors });
}

function sendResult(res: ServerResponse, status: number, result: ExecutionResult): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(result));
}
