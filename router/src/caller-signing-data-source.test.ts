/**
 * What the router sends each subgraph besides the operation: the signed
 * caller header to all, and the user's own access token to the assistant
 * alone (docs/architecture.md, "The assistant acts as the user").
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_HEADER, callerKeyFor, USER_TOKEN_HEADER, verifyCallerHeader } from '../../platform/caller.ts';
import { generateAes256Key } from '../../platform/keys.ts';
import { createLogger } from '../../platform/logger.ts';
import { CallerSigningDataSource } from './caller-signing-data-source.ts';
import type { RouterContext } from './context.ts';

const secret = generateAes256Key();
const bankingKey = callerKeyFor(secret, 'banking');
const assistantKey = callerKeyFor(secret, 'assistant');
const QUERY = '{ me { id } }';

function send(source: CallerSigningDataSource, context: Partial<RouterContext>): Headers {
  const headers = new Headers();
  source.willSendRequest({
    request: { query: QUERY, variables: {}, http: { method: 'POST', url: 'http://x', headers } },
    context: { requestId: 'r1', logger: createLogger({ logLevel: 'silent' }, 'test'), ...context },
  } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);
  return headers;
}

const user = { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', roles: ['CUSTOMER'] } as const;

test('every subgraph gets the caller signed with its own key; only the assistant gets the access token', () => {
  const banking = send(new CallerSigningDataSource('http://banking', bankingKey), { caller: user, accessToken: 'tok' });
  const header = banking.get(CALLER_HEADER) ?? undefined;
  expect(verifyCallerHeader(bankingKey, header, QUERY)).toEqual(user);
  // Another subgraph cannot use it: it is not signed with that subgraph's key.
  expect(() => verifyCallerHeader(assistantKey, header, QUERY)).toThrow(/invalid or expired/);
  expect(banking.get(USER_TOKEN_HEADER)).toBeNull();

  const assistant = new CallerSigningDataSource('http://assistant', assistantKey, { forwardsAccessToken: true });
  const toAssistant = send(assistant, { caller: user, accessToken: 'tok' });
  expect(verifyCallerHeader(assistantKey, toAssistant.get(CALLER_HEADER) ?? undefined, QUERY)).toEqual(user);
  expect(toAssistant.get(USER_TOKEN_HEADER)).toBe('tok');
  // No token (anonymous callers, the gateway's own requests): nothing to forward.
  expect(send(assistant, { caller: { kind: 'anonymous' } }).get(USER_TOKEN_HEADER)).toBeNull();
});
