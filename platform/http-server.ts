/**
 * The HTTP front of every service: `/graphql` served by Apollo Server, plus
 * `/healthz` (the process is alive) and `/readyz` (its dependencies answer).
 * A thin adapter over `node:http` and Apollo's `executeHTTPGraphQLRequest`,
 * shared by the router and the subgraphs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { REQUEST_ID_HEADER, requestIdFrom, type Logger } from './logger.ts';
import { PortInUseError } from './ports.ts';
import { traceServerRequest, tracingEnabled } from './tracing.ts';

/**
 * Largest request body accepted, in bytes (router and subgraphs alike). Sized
 * for the largest legitimate request: a loan application with its five
 * documents of 2 MiB each, base64-encoded (4/3 larger), plus its fields.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * How every service writes a GraphQL result (Apollo Server's `stringifyResult`):
 * compact JSON. Apollo's default indents it (`JSON.stringify(value, null, 2)`):
 * twice the bytes, half as slow again to write (7% of the banking subgraph's
 * samples and 5% of the router's under the dashboard load), and the router
 * then parsed the indentation back out of every subgraph's answer.
 */
export const stringifyResult = (result: FormattedExecutionResult): string => JSON.stringify(result);

/** What the context factory learns about one HTTP request. */
export interface HttpRequestInfo {
  req: IncomingMessage;
  requestId: string;
  /** The GraphQL operation text, from the body or the query string. */
  query: string;
  /** The operation's variables as sent (the body's, or the query string's JSON). */
  variables: Record<string, unknown> | undefined;
}

export interface HttpServerOptions<TContext extends BaseContext> {
  /** The service served (router, banking, ...), named on its traces. */
  service?: string;
  host: string;
  port: number;
  logger: Logger;
  apollo: ApolloServer<TContext>;
  context: (info: HttpRequestInfo) => Promise<TContext>;
  /** Readiness probe: true when the service can serve traffic. */
  ready: () => Promise<boolean>;
  /** Extra routes (path → handler), checked before `/graphql`. */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>>;
  /**
   * Cross-origin headers for browsers (the router's, router/src/cors.ts):
   * runs first for every request, and returns true when it answered it (a
   * preflight).
   */
  cors?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Sees each `/graphql` request with its parsed body before Apollo does, and
   * may answer it itself (the router's refusals before parsing, its multipart
   * subscriptions): resolves true when it did.
   */
  /** Called for each request refused for a body over {@link MAX_BODY_BYTES} (the router counts them). */
  onBodyTooLarge?: () => void;
  intercept?: (request: {
    req: IncomingMessage;
    res: ServerResponse;
    body: unknown;
    requestId: string;
  }) => Promise<boolean>;
}

/** A listening server; `close()` stops accepting, drains and closes. */
export interface RunningHttpServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** A request body over {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {}

/** Reads a request body as text, refusing more than {@link MAX_BODY_BYTES}. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The operation of a request: from a JSON body, or from the query string of a GET. */
function operationOf(body: unknown, search: URLSearchParams): Pick<HttpRequestInfo, 'query' | 'variables'> {
  if (isRecord(body) && typeof body.query === 'string') {
    return { query: body.query, variables: isRecord(body.variables) ? body.variables : undefined };
  }
  let variables: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(search.get('variables') ?? 'null');
    variables = isRecord(parsed) ? parsed : undefined;
  } catch {
    variables = undefined; // Apollo refuses the request itself
  }
  return { query: search.get('query') ?? '', variables };
}

/**
 * Listens on `port` (0: a free one) of `host`; resolves with the port taken
 * and the host to show in URLs. A taken port is the usual reason a start
 * fails: it rejects with a {@link PortInUseError} naming it, not `listen EADDRINUSE`.
 */
export async function listen(server: Server, port: number, host: string): Promise<{ port: number; shownHost: string }> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    shownHost: host === '0.0.0.0' || host === '::' ? 'localhost' : host,
  };
}

/** Starts the HTTP server and resolves once it listens. */
export async function startHttpServer<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
): Promise<RunningHttpServer> {
  const { apollo, logger } = options;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      sendJson(res, 405, {
        errors: [{ message: 'GraphQL is served with GET and POST.', extensions: { code: 'BAD_REQUEST' } }],
      });
      return;
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const text = await readBody(req);
      const type = req.headers['content-type'] ?? '';
      if (type.includes('application/json')) {
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          sendJson(res, 400, { errors: [{ message: 'Body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
          return;
        }
      } else {
        body = text;
      }
    }
    if (options.intercept && (await options.intercept({ req, res, body, requestId }))) return;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: url.search,
      body,
    };
    const operation = operationOf(body, url.searchParams);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: () => options.context({ req, requestId, ...operation }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const tracedRoute = (pathname: string): string | undefined =>
    pathname === '/graphql' || pathname === '/' || (options.routes && Object.hasOwn(options.routes, pathname))
      ? pathname
      : undefined;
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handle = async () => {
      if (options.cors?.(req, res)) return;
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') {
        const ready = await options.ready();
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
      }
      const route =
        options.routes && Object.hasOwn(options.routes, url.pathname) ? options.routes[url.pathname] : undefined;
      if (route) return route(req, res, requestId);
      if (url.pathname === '/graphql' || url.pathname === '/') return handleGraphQL(req, res, url, requestId);
      return sendJson(res, 404, { error: 'Not found' });
    };
    handle().catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) {
        options.onBodyTooLarge?.();
        // The rest of the body is never read: the connection cannot carry another request.
        res.setHeader('connection', 'close');
        sendJson(res, 413, {
          errors: [{ message: `Request body over ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'BAD_REQUEST' } }],
        });
        return;
      }
      logger.error({ err: error, requestId }, 'request failed');
      if (!res.headersSent) {
        sendJson(res, 500, {
          errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
        });
      } else {
        res.end();
      }
    });
  };
  // Each request in a server span when tracing is on (checked here, once); otherwise served as is.
  const server = tracingEnabled()
    ? createServer((req, res) =>
        traceServerRequest(
          options.service ?? 'unnamed',
          req,
          res,
          tracedRoute((req.url ?? '/').split('?', 1)[0] ?? '/'),
          () => serve(req, res),
        ),
      )
    : createServer(serve);
  server.keepAliveTimeout = 65_000;

  const { port, shownHost } = await listen(server, options.port, options.host);

  return {
    server,
    port,
    url: `http://${shownHost}:${port}/graphql`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests in flight get a moment to finish, then their sockets go.
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
      await apollo.stop();
    },
  };
}
