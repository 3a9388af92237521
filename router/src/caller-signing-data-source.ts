/**
 * How the router talks to a subgraph: plain HTTP, plus the router-signed
 * caller header (see platform/caller.ts) and the request id, on every fetch
 * of every query plan.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_HEADER, signCallerHeader } from '../../platform/caller.ts';
import { REQUEST_ID_HEADER } from '../../platform/logger.ts';
import type { RouterContext } from './context.ts';

export class CallerSigningDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #signingKey: string;

  constructor(url: string, signingKey: string) {
    super({ url });
    this.#signingKey = signingKey;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // Requests the gateway makes on its own (no client context) act anonymously.
    const caller = 'caller' in context && context.caller ? context.caller : { kind: 'anonymous' as const };
    headers.set(CALLER_HEADER, signCallerHeader(this.#signingKey, caller, request.query ?? '', request.variables));
    if ('requestId' in context && typeof context.requestId === 'string')
      headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}
