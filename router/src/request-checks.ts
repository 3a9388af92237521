/**
 * What the router checks of every operation before it plans anything, the
 * same over HTTP and graphql-ws:
 *
 * - validation rules beyond graphql's own (the bank's input rules,
 *   platform/input-checks.ts);
 * - the operation to run exists (`operationName` names one of the
 *   document's operations, or the document has exactly one);
 * - no text in the variables holds a NUL;
 * - the operation is within the router's limits (operation-limits.ts);
 * - a staff session that must still enrol a second factor asks for nothing
 *   but the enrolment ({@link checkEnrolment}).
 *
 * And what it guarantees of every result: no field the schema says is
 * non-null comes back null without an error saying why
 * ({@link completionErrors}).
 */
import {
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import type { AccessTokenCaller } from '../../platform/access-token.ts';
import type { Caller } from '../../platform/caller.ts';
import { MfaRequiredError } from '../../platform/errors.ts';
import type { IncomingMessage } from 'node:http';
import { isRecord } from '../../platform/http-server.ts';
import { checkVariableText, InputLiteralsRule } from '../../platform/input-checks.ts';
import type { Logger } from '../../platform/logger.ts';
import type { OperationLimitsChecker } from './operation-limits.ts';

/** Validation rules the router adds to graphql's specified rules. */
export const ROUTER_VALIDATION_RULES: readonly ValidationRule[] = [InputLiteralsRule];

/** Apollo's code for a document without the operation asked for. */
export const OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE';

/** No operation of `document` is the one to run: HTTP 400, as Apollo answers it for a plain schema. */
export function operationNotFound(operationName: string | null | undefined): GraphQLError {
  const message =
    operationName === null || operationName === undefined
      ? 'The document has several operations: say which to run with operationName.'
      : `The document has no operation named "${operationName.slice(0, 100)}".`;
  return new GraphQLError(message, {
    extensions: { code: OPERATION_RESOLUTION_FAILURE, http: { status: 400 } },
  });
}

/**
 * The operation an HTTP request to `/graphql` carries, as sent: a JSON
 * body's object, or a GET's query string (its `extensions` parsed: a
 * persisted query's id); undefined for anything else (Apollo answers those).
 */
export function httpOperation(req: IncomingMessage, body: unknown): Record<string, unknown> | undefined {
  if (req.method === 'GET') {
    const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
    return {
      query: search.get('query') ?? undefined,
      operationName: search.get('operationName') ?? undefined,
      extensions: jsonOrUndefined(search.get('extensions')),
    };
  }
  return isRecord(body) ? body : undefined;
}

/** A query-string parameter's JSON; undefined when absent or not JSON (Apollo refuses the request then). */
function jsonOrUndefined(text: string | null): unknown {
  try {
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An operation's id: the SHA-256 of its text, in lowercase hex (what Apollo Client and the manifests send). */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `extensions.persistedQuery.sha256Hash` as sent (any JSON value), when the request sends one. */
function sentPersistedQueryId(extensions: unknown): { id: unknown } | undefined {
  const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
  return isRecord(persisted) && Object.hasOwn(persisted, 'sha256Hash') ? { id: persisted.sha256Hash } : undefined;
}

/** The id a request names in `extensions.persistedQuery.sha256Hash`, if it names one as a string. */
export function persistedQueryId(extensions: unknown): string | undefined {
  const sent = sentPersistedQueryId(extensions)?.id;
  return typeof sent === 'string' ? sent : undefined;
}

/**
 * A persisted query's id that cannot be one: `extensions.persistedQuery.sha256Hash`
 * that is not 64 lowercase hex digits (a number, an object, a huge or a NUL-laden
 * string) is BAD_REQUEST (HTTP 400) before any store is asked for it. Apollo
 * would look it up and answer PERSISTED_QUERY_NOT_FOUND, sending the client
 * to retry with a text it will refuse too.
 */
export function checkPersistedQueryId(operation: Record<string, unknown> | undefined): void {
  const sent = sentPersistedQueryId(operation?.extensions);
  if (sent === undefined || (typeof sent.id === 'string' && SHA256_HEX.test(sent.id))) return;
  throw new GraphQLError(
    'extensions.persistedQuery.sha256Hash must be the SHA-256 of the operation text: 64 lowercase hex digits.',
    { extensions: { code: 'BAD_REQUEST' } },
  );
}

/** A subscription sent as a plain HTTP request (no multipart `Accept`), saying the two ways to subscribe. */
export function subscriptionTransportError(): GraphQLError {
  return new GraphQLError(
    'Subscriptions are served over WebSocket (graphql-ws, the graphql-transport-ws protocol) at this address, ' +
      'or over HTTP with a POST and the header Accept: multipart/mixed;subscriptionSpec="1.0" (Apollo Client\'s HttpLink sends it).',
    { extensions: { code: 'BAD_REQUEST' } },
  );
}

/**
 * Throws the first reason not to run the operation: no such operation,
 * NUL in the variables (BAD_USER_INPUT), a limit (QUERY_TOO_COMPLEX).
 * `document` is valid over `schema`.
 */
export function checkOperation(
  limits: OperationLimitsChecker,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  caller: Caller,
): void {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) throw operationNotFound(operationName);
  checkVariableText(variables);
  limits.check(schema, document, operationName, variables);
  checkEnrolment(caller, operation);
}

/** What a staff session that must enrol a second factor may still ask for. */
const ENROLMENT_FIELDS: Readonly<Record<'query' | 'mutation' | 'subscription', ReadonlySet<string>>> = {
  query: new Set(['me', '__typename', '__schema', '__type']),
  mutation: new Set([
    'beginTotpEnrollment',
    'confirmTotpEnrollment',
    'beginPasskeyRegistration',
    'completePasskeyRegistration',
    'refreshToken',
    'logout',
  ]),
  subscription: new Set(),
};

/** The refusal of anything else while a staff session must enrol a second factor. */
export function enrolmentRequired(): MfaRequiredError {
  return new MfaRequiredError(
    'Staff accounts must turn on a second factor before anything else: beginTotpEnrollment (or beginPasskeyRegistration), confirm it, then refresh the session.',
    { reason: 'ENROLMENT_REQUIRED' },
  );
}

/**
 * ADMIN and RISK_OFFICER sessions without a second factor (the access token
 * says so; identity decides) may only enrol one: MFA_REQUIRED otherwise.
 * Fragments at the root count as what they select.
 */
export function checkEnrolment(caller: Caller, operation?: OperationDefinitionNode): void {
  if (caller.kind !== 'user' || !(caller as AccessTokenCaller).enrolmentRequired) return;
  const allowed = operation ? ENROLMENT_FIELDS[operation.operation] : undefined;
  const selections = operation?.selectionSet.selections ?? [];
  const onlyAllowed = selections.every((s) => s.kind === Kind.FIELD && allowed?.has(s.name.value));
  if (!operation || !onlyAllowed) throw enrolmentRequired();
}

/**
 * @apollo/gateway reports a non-null field that came back null (a subgraph
 * answered `null` for an entity it should know, say) not as an error but in
 * `extensions.valueCompletion`, and only when no subgraph reported an error:
 * a client could then see `data: null` and no `errors`. This takes them off
 * a result's extensions as errors (INTERNAL_SERVER_ERROR: it is the bank's
 * fault, not the client's), logged, for the caller to format and add.
 */
export function completionErrors(
  extensions: Record<string, unknown> | undefined,
  logger: Logger,
): { errors: GraphQLError[]; extensions: Record<string, unknown> | undefined } {
  const completion = extensions?.valueCompletion;
  if (!Array.isArray(completion) || completion.length === 0) return { errors: [], extensions };
  const { valueCompletion: _taken, ...rest } = extensions ?? {};
  const errors = completion.map((raw: unknown) => {
    const source = raw instanceof GraphQLError ? raw : new GraphQLError(String(raw));
    logger.error({ err: source, path: source.path }, 'a non-null field came back null');
    return new GraphQLError(source.message, {
      path: source.path ?? null,
      originalError: source,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
  return { errors, extensions: Object.keys(rest).length > 0 ? rest : undefined };
}
