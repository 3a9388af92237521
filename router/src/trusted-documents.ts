/**
 * Trusted documents (what Apollo calls a persisted query list used as a
 * safelist): with `TRUSTED_DOCUMENTS` set to a manifest that the frontend's
 * build produces, the router runs only the operations the manifest lists.
 *
 * A request names its operation by id (`extensions.persistedQuery.sha256Hash`,
 * as Apollo Client's persisted-query link sends it; the router takes the text
 * from the manifest) or sends the full text, whose SHA-256 must be an id of
 * the manifest. Anything else is refused with PERSISTED_QUERY_NOT_IN_LIST
 * (HTTP 400) before it is parsed: introspection too, unless the manifest lists
 * it. One check, {@link TrustedDocuments.resolve}, serves every transport:
 * HTTP GET and POST (router.ts, before Apollo; multipart subscriptions
 * included) and whatever the subscription executor admits (graphql-ws, and
 * multipart once more).
 *
 * Two manifest formats are read, both keyed by the SHA-256 (hex) of the
 * operation's text:
 * - Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest`,
 *   `rover persisted-queries generate`):
 *   `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id","name","type","body"}]}`;
 * - GraphQL Code Generator's client preset `persisted-documents.json`
 *   (`persistedDocuments: { hashAlgorithm: 'sha256' }`): `{"<id>": "<body>"}`.
 * The file is read once, at start; a file that is not one of these, an
 * operation that is not GraphQL of its stated type, or an id that is not the
 * SHA-256 of its body stops the start ({@link TrustedDocumentsError}).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getOperationAST, parse } from 'graphql';
import { z } from 'zod';
import { BankError, ErrorCode } from '../../platform/errors.ts';
import { isRecord } from '../../platform/http-server.ts';
import type { KeyValueCache } from '../../platform/redis-cache.ts';
import { persistedQueryId, SHA256_HEX } from './request-checks.ts';

/** The setting that names the manifest. */
const TRUSTED_DOCUMENTS_SETTING = 'TRUSTED_DOCUMENTS';

/** A manifest the router cannot use: its message is the one line a failed start prints. */
export class TrustedDocumentsError extends Error {
  constructor(path: string, problem: string) {
    super(`${TRUSTED_DOCUMENTS_SETTING} (${path}): ${problem}`);
    this.name = 'TrustedDocumentsError';
  }
}

/** An operation as a client sends it, on any transport. */
export interface SentOperation {
  query?: unknown;
  extensions?: unknown;
}

export interface TrustedDocuments {
  /** How many operations the manifest lists. */
  size: number;
  /**
   * The operation `request` would run, when the manifest lists it: the
   * request itself when it carries its text, or with the manifest's text
   * filled in when it names the operation by id alone (an empty `query`
   * beside an id counts as none: graphql-ws requires the field). A request
   * with neither is returned as is: nothing runs (the transport answers it
   * with its landing page, or refuses it for having no query).
   *
   * @throws BankError PERSISTED_QUERY_NOT_IN_LIST for any other text or id.
   */
  resolve<T extends SentOperation>(request: T): T & SentOperation;
  /**
   * Apollo Server's persisted-query store, answering from the manifest and
   * storing nothing: a request by id alone gets the manifest's text from
   * Apollo itself (a GET's query string cannot be rewritten on the way).
   */
  store: KeyValueCache;
}

const id = z.string().regex(SHA256_HEX, 'must be a SHA-256 in lowercase hex');
const body = z.string().min(1);
const apolloManifest = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id, name: z.string(), type: z.enum(['query', 'mutation', 'subscription']), body })),
});
const codegenMap = z.record(id, body);

/** The SHA-256 (hex) of an operation's text: its id in a manifest and in APQ. */
export const operationId = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The refusal of an operation the manifest does not list. */
function notInList(): BankError {
  return new BankError(
    ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
    'This router runs only the operations of its trusted-documents manifest, and this is not one of them.',
  );
}

/** One operation of a manifest (codegen's map names no operation and no type). */
interface ListedOperation {
  id: string;
  name?: string;
  type?: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** The manifest's operations by id, or the first problem with it. */
function operationsOf(json: unknown): Map<string, string> | string {
  const apollo = apolloManifest.safeParse(json);
  const codegen = apollo.success ? undefined : codegenMap.safeParse(json);
  const operations: ListedOperation[] | undefined = apollo.success
    ? apollo.data.operations
    : codegen?.success
      ? Object.entries(codegen.data).map(([key, text]) => ({ id: key, body: text }))
      : undefined;
  if (!operations) {
    // Reported against Apollo's format, the one documented, unless the file looks like codegen's map.
    const looksLikeMap = isRecord(json) && !('format' in json) && !('operations' in json);
    const issue = (looksLikeMap && codegen && !codegen.success ? codegen.error : apollo.error)?.issues[0];
    return `not a persisted query manifest (${issue?.path.join('.') || 'root'}: ${issue?.message})`;
  }
  if (operations.length === 0) return 'it lists no operations, so nothing could run';
  const byId = new Map<string, string>();
  for (const operation of operations) {
    const named = `operation ${operation.name || operation.id}`;
    if (operationId(operation.body) !== operation.id) return `${named}: its id is not the SHA-256 of its body`;
    try {
      const found = getOperationAST(parse(operation.body, { noLocation: true }), operation.name || undefined);
      if (operation.type !== undefined && found?.operation !== operation.type) {
        return `${named}: its body holds no ${operation.type} of that name`;
      }
    } catch (error) {
      return `${named}: its body is not GraphQL (${(error as Error).message})`;
    }
    byId.set(operation.id, operation.body);
  }
  return byId;
}

/** Reads and checks the manifest at `path`. @throws TrustedDocumentsError */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const problem = error instanceof SyntaxError ? 'not JSON' : (error as Error).message;
    throw new TrustedDocumentsError(path, `cannot be read: ${problem}`);
  }
  const byId = operationsOf(json);
  if (typeof byId === 'string') throw new TrustedDocumentsError(path, byId);
  return trustedDocuments(byId);
}

/** The check over the manifest's operations, by id. */
function trustedDocuments(byId: ReadonlyMap<string, string>): TrustedDocuments {
  return {
    size: byId.size,
    resolve(request) {
      const { query } = request;
      const hash = persistedQueryId(request.extensions);
      const text = query === '' && hash !== undefined ? undefined : query;
      if (text !== undefined && text !== null) {
        if (typeof text !== 'string' || !byId.has(operationId(text))) throw notInList();
        return request;
      }
      if (hash === undefined) return request;
      const listed = byId.get(hash);
      if (listed === undefined) throw notInList();
      return { ...request, query: listed };
    },
    store: {
      // Apollo Server puts `apq:` before every key (its PrefixingKeyValueCache): the id is what follows the last colon.
      get: async (key) => byId.get(key.slice(key.lastIndexOf(':') + 1)),
      set: async () => undefined,
      delete: async () => false,
    },
  };
}
