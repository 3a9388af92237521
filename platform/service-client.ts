/**
 * Calls from one internal service to another subgraph (billing and lending
 * calling banking), directly, not through the router: the caller header is
 * signed with the service key, which the router does not hold.
 *
 * Errors say whether retrying can help. A catalogued error of the called
 * subgraph (INSUFFICIENT_FUNDS, NOT_FOUND, ...) is a definite answer:
 * {@link ServiceCallError} with `transient: false` and the subgraph's code and
 * extensions. No answer, a 5xx, an INTERNAL_SERVER_ERROR or a call still in
 * progress elsewhere (IDEMPOTENCY_IN_PROGRESS) is transient: the
 * outcome is unknown and the saga that called must find out later (every
 * step it retries is idempotent).
 */
import { CALLER_HEADER, signServiceHeader, type ServiceName } from './caller.ts';
import { ErrorCode, isErrorCode, type ErrorCode as Code } from './errors.ts';
import { inSpan, SpanKind, traceHeaders } from './tracing.ts';

/** A failed call to another subgraph. */
export class ServiceCallError extends Error {
  /** The called subgraph's error code; INTERNAL_SERVER_ERROR when it gave none (or no answer). */
  readonly code: Code;
  /** True when the outcome is unknown (network, 5xx, internal error): retry later. */
  readonly transient: boolean;
  /** The error's extensions as the called subgraph sent them (field, status, ...). */
  readonly extensions: Record<string, unknown>;

  constructor(message: string, code: Code, transient: boolean, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ServiceCallError';
    this.code = code;
    this.transient = transient;
    this.extensions = extensions;
  }
}

/** A definite answer from the called subgraph: the call was refused and nothing happened there. */
export const isDefiniteRefusal = (error: unknown): error is ServiceCallError =>
  error instanceof ServiceCallError && !error.transient;

export interface ServiceClientOptions {
  /** The called subgraph's GraphQL URL. */
  url: string;
  /** Who calls. */
  service: ServiceName;
  /** The service signing key (PEM). */
  privateKey: string;
  /** Give up waiting after this long (the call's outcome is then unknown). Default 10 s. */
  timeoutMs?: number;
}

/** Sends `query` with `variables`; resolves with `data`, or throws {@link ServiceCallError}. */
export type ServiceRequest = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/** Codes after which the same call may succeed later. */
const RETRYABLE: ReadonlySet<Code> = new Set([
  ErrorCode.INTERNAL_SERVER_ERROR,
  ErrorCode.IDEMPOTENCY_IN_PROGRESS,
  ErrorCode.RATE_LIMITED,
]);

interface GraphQLAnswer {
  data?: unknown;
  errors?: { message?: string; extensions?: Record<string, unknown> }[];
}

export function createServiceClient(options: ServiceClientOptions): ServiceRequest {
  return createGraphQLClient({
    url: options.url,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    headers: (query, variables) => ({
      [CALLER_HEADER]: signServiceHeader(options.privateKey, options.service, query, variables),
    }),
  });
}

/**
 * The same calls with other credentials: `headers` gives each request's own
 * (the assistant sends the customer's access token to the router).
 */
export function createGraphQLClient(options: {
  url: string;
  timeoutMs?: number;
  headers(query: string, variables: Record<string, unknown>): Record<string, string>;
}): ServiceRequest {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const host = new URL(options.url).host;
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    let response: Response;
    let answer: GraphQLAnswer;
    try {
      // A client span when tracing, carried to the called service as `traceparent` (the sagas' calls join their trace).
      [response, answer] = await inSpan(
        'service call',
        { kind: SpanKind.CLIENT, attributes: { 'server.address': host } },
        async () => {
          const sent = await fetch(options.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...options.headers(query, variables), ...traceHeaders() },
            body: JSON.stringify({ query, variables }),
            signal: AbortSignal.timeout(timeoutMs),
          });
          return [sent, (await sent.json()) as GraphQLAnswer] as const;
        },
      );
    } catch (error) {
      throw new ServiceCallError(
        `No answer from ${options.url}: ${(error as Error).message}`,
        ErrorCode.INTERNAL_SERVER_ERROR,
        true,
      );
    }
    const first = answer.errors?.[0];
    if (first) {
      const extensions = first.extensions ?? {};
      const code = isErrorCode(extensions.code) ? extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
      const transient = RETRYABLE.has(code) || response.status >= 500;
      throw new ServiceCallError(first.message ?? 'The call failed.', code, transient, extensions);
    }
    if (!response.ok || answer.data === null || typeof answer.data !== 'object') {
      throw new ServiceCallError(`HTTP ${response.status} without data`, ErrorCode.INTERNAL_SERVER_ERROR, true);
    }
    return answer.data as T;
  };
}
