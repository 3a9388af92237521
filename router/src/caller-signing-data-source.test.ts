/**
 * What the router sends each subgraph besides the operation: the signed
 * caller header to all, and the user's own access token to the assistant
 * alone (docs/architecture.md, "The assistant acts as the user").
 */
import { generateKeyPairSync } from 'node:crypto';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_HEADER, USER_TOKEN_HEADER } from '../../platform/caller.ts';
import { createLogger } from '../../platform/logger.ts';
import { CallerSigningDataSource } from './caller-signing-data-source.ts';
import type { RouterContext } from './context.ts';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function send(source: CallerSigningDataSource, context: Partial<RouterContext>): Headers {
  const headers = new Headers();
  source.willSendRequest({
    request: { query: '{ me { id } }', variables: {}, http: { method: 'POST', url: 'http://x', headers } },
    context: { requestId: 'r1', logger: createLogger({ logLevel: 'silent' }, 'test'), ...context },
  } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);
  return headers;
}

const user = { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', roles: ['CUSTOMER'] } as const;

test('every subgraph gets the signed caller; only the assistant gets the access token', () => {
  const banking = send(new CallerSigningDataSource('http://banking', signingKey), { caller: user, accessToken: 'tok' });
  expect(banking.get(CALLER_HEADER)).toEqual(expect.any(String));
  expect(banking.get(USER_TOKEN_HEADER)).toBeNull();

  const assistant = new CallerSigningDataSource('http://assistant', signingKey, { forwardsAccessToken: true });
  expect(send(assistant, { caller: user, accessToken: 'tok' }).get(USER_TOKEN_HEADER)).toBe('tok');
  // No token (anonymous callers, the gateway's own requests): nothing to forward.
  expect(send(assistant, { caller: { kind: 'anonymous' } }).get(USER_TOKEN_HEADER)).toBeNull();
});
