/**
 * The error catalogue of docs/architecture.md. Every error a client can see carries a
 * stable `extensions.code` from {@link ErrorCode}; anything else is masked as
 * INTERNAL_SERVER_ERROR outside development (see {@link formatError}).
 */
import type { ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Stable error codes. Clients switch on these, never on messages. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  ACCOUNT_NOT_ACTIVE: 'ACCOUNT_NOT_ACTIVE',
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  INVALID_STATE_TRANSITION: 'INVALID_STATE_TRANSITION',
  RATE_LIMITED: 'RATE_LIMITED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  MFA_REQUIRED: 'MFA_REQUIRED',
  STEP_UP_REQUIRED: 'STEP_UP_REQUIRED',
  /** Trusted-documents mode: the operation is not in the manifest (Apollo Router's code for the same refusal). */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Is `value` one of the catalogue's codes? */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCode, value);
}

/**
 * Codes produced by Apollo Server and the gateway themselves before any
 * resolver runs (malformed documents, unknown fields, bad variables). They
 * pass through {@link formatError} unchanged.
 */
export const PROTOCOL_ERROR_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
  'OPERATION_RESOLUTION_FAILURE',
] as const;

/**
 * Errors Apollo Server raises without a code, by their (fixed) message, and
 * the code they are answered with: the one Apollo Router gives the same case.
 */
const UNCODED_PROTOCOL_ERRORS: ReadonlyMap<string, string> = new Map([
  ['provided sha does not match query', 'PERSISTED_QUERY_HASH_MISMATCH'],
  // `extensions.persistedQuery` that is not `{ version: 1, sha256Hash }`: a malformed request.
  ['Unsupported persisted query version', 'BAD_REQUEST'],
]);

/** HTTP status sent when an error aborts a whole request (see {@link requestLevel}). */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  MFA_REQUIRED: 403,
};

/** Extra, client-safe details of an error (which field, when to retry...). */
export type ErrorDetails = Record<string, string | number | boolean | null | readonly string[]>;

/** Base class of every catalogued error. */
export class BankError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, { extensions: { code, ...details } });
    this.code = code;
    this.name = 'BankError';
  }
}

/**
 * The same error with the HTTP status of its code, for errors that refuse a
 * whole request before execution (context creation: a bad token, a missing
 * router signature). Errors of single fields keep HTTP 200, so a partial
 * result and its errors travel together through the gateway.
 */
export function requestLevel(error: BankError): GraphQLError {
  const status = HTTP_STATUS[error.code] ?? 400;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}

/** Runs `check`, turning a catalogued error into a {@link requestLevel} one. */
export function asRequestLevel<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw error instanceof BankError ? requestLevel(error) : error;
  }
}

/** No valid credentials were presented, or they expired. */
export class UnauthenticatedError extends BankError {
  constructor(message = 'You must be signed in to do this.', details?: ErrorDetails) {
    super(ErrorCode.UNAUTHENTICATED, message, details);
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends BankError {
  constructor(message = 'You are not allowed to do this.', details?: ErrorDetails) {
    super(ErrorCode.FORBIDDEN, message, details);
  }
}

/** The thing asked for does not exist, or the caller may not know it exists. */
export class NotFoundError extends BankError {
  constructor(what: string, details?: ErrorDetails) {
    super(ErrorCode.NOT_FOUND, `${what} was not found.`, details);
  }
}

/** An input is malformed or breaks a rule; `field` names the input at fault. */
export class BadUserInputError extends BankError {
  constructor(message: string, field?: string, details: ErrorDetails = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, field !== undefined ? { field, ...details } : details);
  }
}

/** Too many attempts; `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends BankError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds });
  }
}

/** A transition the state machine does not allow. */
export class InvalidStateTransitionError extends BankError {
  constructor(message: string, details?: ErrorDetails) {
    super(ErrorCode.INVALID_STATE_TRANSITION, message, details);
  }
}

/**
 * A second factor is needed: at sign-in (`challengeId` and the `factors` the
 * user can answer with), or before a staff session may do anything else
 * (`reason` ENROLMENT_REQUIRED).
 */
export class MfaRequiredError extends BankError {
  constructor(message: string, details?: ErrorDetails) {
    super(ErrorCode.MFA_REQUIRED, message, details);
  }
}

/**
 * A payment needs a second factor bound to exactly this operation:
 * `challengeId` (the operation's hash, to confirm with `confirmStepUp`), what
 * it binds, why it is asked and the factors the user can answer with.
 */
export class StepUpRequiredError extends BankError {
  constructor(message: string, details?: ErrorDetails) {
    super(ErrorCode.STEP_UP_REQUIRED, message, details);
  }
}

/** Codes whose errors reach clients as they are. INTERNAL_SERVER_ERROR is not one: Apollo gives it to every uncoded error. */
const PASS_THROUGH_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  ...PROTOCOL_ERROR_CODES,
]);

/**
 * Apollo Server `formatError`: keeps catalogued errors as they are and
 * replaces anything else (an uncoded error, which Apollo has already labelled
 * INTERNAL_SERVER_ERROR) with INTERNAL_SERVER_ERROR, hiding its message and
 * stack unless `exposeDetails` (development) is set.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  options: { exposeDetails: boolean },
  error?: unknown,
): GraphQLFormattedError {
  const code = protocolCode(formatted, error);
  if (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
    const coded =
      code === formatted.extensions?.code ? formatted : { ...formatted, extensions: { ...formatted.extensions, code } };
    if (options.exposeDetails) return coded;
    const { stacktrace: _stacktrace, ...extensions } = coded.extensions ?? {};
    return { ...coded, extensions };
  }
  if (options.exposeDetails) {
    return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  return {
    message: 'Internal server error.',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * The code a client should see for `formatted`: its own, except that
 * - a validation error raised by an input rule (a bad literal of one of the
 *   bank's scalars, a NUL in a string; see input-checks.ts) is the
 *   BAD_USER_INPUT it was raised as, not Apollo's GRAPHQL_VALIDATION_FAILED;
 * - an error Apollo raises without a code gets the one listed in
 *   {@link UNCODED_PROTOCOL_ERRORS}.
 */
function protocolCode(formatted: GraphQLFormattedError, error: unknown): unknown {
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_VALIDATION_FAILED' && error instanceof GraphQLError) {
    const cause = error.originalError;
    if (cause instanceof GraphQLError && cause.extensions.code === ErrorCode.BAD_USER_INPUT) {
      return ErrorCode.BAD_USER_INPUT;
    }
  }
  const uncoded = code === undefined || code === ErrorCode.INTERNAL_SERVER_ERROR;
  return (uncoded && UNCODED_PROTOCOL_ERRORS.get(formatted.message)) || code;
}

/**
 * Answers a plain HTTP request (a download) with a catalogued error as a
 * GraphQL-shaped JSON body and the status of its code (BAD_USER_INPUT 400,
 * NOT_FOUND 404, RATE_LIMITED 429 with `Retry-After`...); anything
 * unexpected is logged and masked as a 500.
 */
export function sendHttpError(
  res: ServerResponse,
  error: unknown,
  logger: { error(details: object, message: string): void },
): void {
  const known =
    error instanceof GraphQLError &&
    typeof error.extensions.code === 'string' &&
    PASS_THROUGH_CODES.has(error.extensions.code);
  if (!known) logger.error({ err: error }, 'unexpected error');
  const code = known ? (error.extensions.code as string) : ErrorCode.INTERNAL_SERVER_ERROR;
  const status = known ? (ROUTE_STATUS[code] ?? 400) : 500;
  const { http: _http, ...extensions } = known ? error.extensions : { code };
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (typeof extensions.retryAfterSeconds === 'number')
    res.setHeader('retry-after', String(extensions.retryAfterSeconds));
  res.end(JSON.stringify({ errors: [{ message: known ? error.message : 'Internal server error.', extensions }] }));
}

const ROUTE_STATUS: Record<string, number> = { ...HTTP_STATUS, NOT_FOUND: 404, INTERNAL_SERVER_ERROR: 500 };
