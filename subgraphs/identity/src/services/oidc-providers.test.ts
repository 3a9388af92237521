import * as client from 'openid-client';
import { classifyProviderError } from './oidc-providers.ts';

const tokenError = (status: number, error: string) =>
  new client.ResponseBodyError('server responded with an error in the response body', {
    cause: { error },
    response: new Response(JSON.stringify({ error }), { status }),
  });
const callbackError = (error: string) =>
  new client.AuthorizationResponseError('authorization response from the server is an error', {
    cause: new URLSearchParams({ error }),
  });

/** fetch's own failure, as undici throws it (a TypeError whose cause has the socket's code). */
const connectionRefused = () =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });

describe('what a provider answered, as the bank answers it', () => {
  it.each([
    ['connection refused', connectionRefused(), 'SERVICE_UNAVAILABLE', undefined],
    [
      'connection refused, wrapped',
      new client.ClientError('something went wrong', { cause: connectionRefused() }),
      'SERVICE_UNAVAILABLE',
      undefined,
    ],
    [
      'a timeout',
      Object.assign(new client.ClientError('operation timed out'), { code: 'OAUTH_TIMEOUT' }),
      'SERVICE_UNAVAILABLE',
      undefined,
    ],
    ['server_error from the token endpoint', tokenError(400, 'server_error'), 'SERVICE_UNAVAILABLE', undefined],
    ['a 503 with an error body', tokenError(503, 'whatever'), 'SERVICE_UNAVAILABLE', undefined],
    [
      'temporarily_unavailable in the callback',
      callbackError('temporarily_unavailable'),
      'SERVICE_UNAVAILABLE',
      undefined,
    ],
    ['invalid_grant', tokenError(400, 'invalid_grant'), 'UNAUTHENTICATED', 'PROVIDER_REJECTED_CODE'],
    ['access_denied in the callback', callbackError('access_denied'), 'UNAUTHENTICATED', 'PROVIDER_REFUSED'],
    [
      'an ID token claim that does not match',
      Object.assign(new client.ClientError('unexpected JWT claim value encountered'), {
        code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      }),
      'UNAUTHENTICATED',
      'ID_TOKEN_INVALID',
    ],
    ['something unexpected', new RangeError('odd'), 'UNAUTHENTICATED', 'ID_TOKEN_INVALID'],
  ])('%s', (_what, error, code, reason) => {
    const { error: answer } = classifyProviderError(error, 'test');
    expect(answer.extensions).toMatchObject({ code, provider: 'test' });
    expect(answer.extensions.reason).toBe(reason);
  });

  it('never repeats what the provider wrote in its error code', () => {
    const { error } = classifyProviderError(callbackError('<script>alert(1)</script>'), 'test');
    expect(error.message).toBe('The identity provider did not sign you in (error). Start again.');
  });
});
