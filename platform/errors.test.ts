import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { BankError } from './errors.ts';
import {
  BadUserInputError,
  ErrorCode,
  ForbiddenError,
  InvalidStateTransitionError,
  NotFoundError,
  PROTOCOL_ERROR_CODES,
  RateLimitedError,
  UnauthenticatedError,
  asRequestLevel,
  formatError,
  requestLevel,
} from './errors.ts';

const STACK = ['Error: boom', '    at resolver (file.ts:1:1)'];
const hidden = { exposeDetails: false };
const exposed = { exposeDetails: true };

/** Runs `fn` and returns what it throws. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

describe('the error catalogue', () => {
  // docs/architecture.md's codes, plus SERVICE_UNAVAILABLE (a saga's service unreachable before anything was done)
  // and PERSISTED_QUERY_NOT_IN_LIST (trusted-documents mode).
  it('lists the codes of docs/architecture.md', () => {
    expect(Object.values(ErrorCode)).toEqual([
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'INSUFFICIENT_FUNDS',
      'ACCOUNT_NOT_ACTIVE',
      'CURRENCY_MISMATCH',
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_IN_PROGRESS',
      'INVALID_STATE_TRANSITION',
      'RATE_LIMITED',
      'QUERY_TOO_COMPLEX',
      'SERVICE_UNAVAILABLE',
      'MFA_REQUIRED',
      'STEP_UP_REQUIRED',
      'PERSISTED_QUERY_NOT_IN_LIST',
      'INTERNAL_SERVER_ERROR',
    ]);
  });

  it('gives every error class its code and details', () => {
    const cases: [BankError, Record<string, unknown>, string][] = [
      [new UnauthenticatedError(), { code: 'UNAUTHENTICATED' }, 'You must be signed in to do this.'],
      [new ForbiddenError(), { code: 'FORBIDDEN' }, 'You are not allowed to do this.'],
      [new NotFoundError('Account 42'), { code: 'NOT_FOUND' }, 'Account 42 was not found.'],
      [
        new BadUserInputError('Too short.', 'password', { min: 12 }),
        { code: 'BAD_USER_INPUT', field: 'password', min: 12 },
        'Too short.',
      ],
      [new BadUserInputError('Bad.'), { code: 'BAD_USER_INPUT' }, 'Bad.'],
      [new RateLimitedError('Slow down.', 30), { code: 'RATE_LIMITED', retryAfterSeconds: 30 }, 'Slow down.'],
      [
        new InvalidStateTransitionError('Closed.', { from: 'CLOSED' }),
        { code: 'INVALID_STATE_TRANSITION', from: 'CLOSED' },
        'Closed.',
      ],
    ];
    for (const [error, extensions, message] of cases) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect(error.name).toBe('BankError');
      expect(error.extensions).toEqual(extensions);
      expect(error.code).toBe(extensions['code']);
      expect(error.message).toBe(message);
    }
  });
});

describe('formatError', () => {
  const catalogued: GraphQLFormattedError = {
    message: 'Account 42 was not found.',
    locations: [{ line: 1, column: 3 }],
    path: ['account'],
    extensions: { code: 'NOT_FOUND', stacktrace: STACK },
  };

  it('keeps a catalogued error as it is in development', () => {
    expect(formatError(catalogued, exposed)).toBe(catalogued);
  });

  it('keeps a catalogued error but strips its stacktrace outside development', () => {
    expect(formatError(catalogued, hidden)).toEqual({
      message: 'Account 42 was not found.',
      locations: [{ line: 1, column: 3 }],
      path: ['account'],
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('keeps the client-safe details of a catalogued error', () => {
    const formatted: GraphQLFormattedError = {
      message: 'Too many attempts.',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 60, stacktrace: STACK },
    };
    expect(formatError(formatted, hidden)).toEqual({
      message: 'Too many attempts.',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 60 },
    });
  });

  // INTERNAL_SERVER_ERROR is left out: it marks an unexpected failure, whose message must not reach clients.
  const clientCodes = Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR);
  it.each(clientCodes)('keeps the catalogued code %s', (code) => {
    const formatted: GraphQLFormattedError = { message: `a ${code} error`, extensions: { code } };
    expect(formatError(formatted, hidden)).toEqual({ message: `a ${code} error`, extensions: { code } });
  });

  it('masks an uncatalogued error outside development', () => {
    const leaky: GraphQLFormattedError = {
      message: 'connection to postgres://bank:s3cret@db.internal failed',
      locations: [{ line: 2, column: 5 }],
      path: ['me', 'accounts', 0],
      extensions: { code: 'ECONNREFUSED', stacktrace: STACK, host: 'db.internal' },
    };
    expect(formatError(leaky, hidden)).toEqual({
      message: 'Internal server error.',
      locations: [{ line: 2, column: 5 }],
      path: ['me', 'accounts', 0],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('masks an error without any code or location outside development', () => {
    const result = formatError({ message: 'Cannot read properties of undefined' }, hidden);
    expect(result).toEqual({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect('locations' in result).toBe(false);
    expect('path' in result).toBe(false);
  });

  it('keeps the message of an uncatalogued error in development, coded INTERNAL_SERVER_ERROR', () => {
    const formatted: GraphQLFormattedError = {
      message: 'Cannot read properties of undefined',
      path: ['me'],
      extensions: { code: 'SOMETHING_ELSE', stacktrace: STACK },
    };
    expect(formatError(formatted, exposed)).toEqual({
      message: 'Cannot read properties of undefined',
      path: ['me'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: STACK },
    });
  });

  it('codes an uncatalogued error without extensions INTERNAL_SERVER_ERROR in development', () => {
    expect(formatError({ message: 'boom' }, exposed)).toEqual({
      message: 'boom',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it.each([...PROTOCOL_ERROR_CODES])('passes the protocol code %s through', (code) => {
    const formatted: GraphQLFormattedError = {
      message: 'Cannot query field "balanc" on type "Account".',
      locations: [{ line: 1, column: 12 }],
      extensions: { code, stacktrace: STACK },
    };
    expect(formatError(formatted, hidden)).toEqual({
      message: 'Cannot query field "balanc" on type "Account".',
      locations: [{ line: 1, column: 12 }],
      extensions: { code },
    });
    expect(formatError(formatted, exposed)).toBe(formatted);
  });

  it('knows the protocol codes of Apollo Server', () => {
    expect([...PROTOCOL_ERROR_CODES]).toEqual([
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_REQUEST',
      'PERSISTED_QUERY_NOT_FOUND',
      'PERSISTED_QUERY_NOT_SUPPORTED',
      'PERSISTED_QUERY_HASH_MISMATCH',
      'OPERATION_RESOLUTION_FAILURE',
    ]);
  });

  it('does not mistake a code that is not a string for a catalogued one', () => {
    const formatted: GraphQLFormattedError = { message: 'secret', extensions: { code: ['NOT_FOUND'] } };
    expect(formatError(formatted, hidden)).toEqual({
      message: 'Internal server error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});

describe('requestLevel', () => {
  it.each([
    ['UNAUTHENTICATED', 401, new UnauthenticatedError('The access token has expired.', { reason: 'TOKEN_EXPIRED' })],
    ['FORBIDDEN', 403, new ForbiddenError()],
    ['RATE_LIMITED', 429, new RateLimitedError('Too many attempts.', 60)],
    ['NOT_FOUND', 400, new NotFoundError('Account')],
    ['BAD_USER_INPUT', 400, new BadUserInputError('Bad.', 'amount')],
  ] as const)('sends %s with HTTP %i', (_code, status, error) => {
    const result = requestLevel(error);
    expect(result).toBeInstanceOf(GraphQLError);
    expect(result.message).toBe(error.message);
    expect(result.extensions).toEqual({ ...error.extensions, http: { status } });
  });

  it('keeps the code and details next to the status', () => {
    expect(requestLevel(new RateLimitedError('Too many attempts.', 60)).extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 60,
      http: { status: 429 },
    });
    expect(requestLevel(new UnauthenticatedError()).extensions).toEqual({
      code: 'UNAUTHENTICATED',
      http: { status: 401 },
    });
  });
});

describe('asRequestLevel', () => {
  it('returns the value of a check that passes', () => {
    expect(asRequestLevel(() => 42)).toBe(42);
  });

  it('turns a catalogued error into a request-level one', () => {
    const error = thrownBy(() =>
      asRequestLevel(() => {
        throw new ForbiddenError('No.');
      }),
    );
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toBe('No.');
    expect((error as GraphQLError).extensions).toEqual({ code: 'FORBIDDEN', http: { status: 403 } });
  });

  it('rethrows any other error unchanged', () => {
    const original = new TypeError('bug');
    expect(
      thrownBy(() =>
        asRequestLevel(() => {
          throw original;
        }),
      ),
    ).toBe(original);
  });
});

describe('masking through Apollo Server', () => {
  it('hides the message of an unexpected resolver error outside development', async () => {
    const { ApolloServer } = await import('@apollo/server');
    const { formatError: format } = await import('./errors.ts');
    const server = new ApolloServer({
      typeDefs: 'type Query { boom: String, refused: String }',
      resolvers: {
        Query: {
          boom: () => {
            throw new Error('password authentication failed for user "bank" at 10.0.0.5');
          },
          refused: () => {
            throw new GraphQLError('No.', { extensions: { code: 'FORBIDDEN' } });
          },
        },
      },
      formatError: (f) => format(f, { exposeDetails: false }),
      includeStacktraceInErrorResponses: false,
    });
    await server.start();
    try {
      const response = await server.executeOperation({ query: '{ boom refused }' });
      const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
      const byPath = Object.fromEntries((body?.errors ?? []).map((e) => [String(e.path?.[0]), e]));
      expect(byPath.boom).toEqual({
        message: 'Internal server error.',
        locations: expect.any(Array),
        path: ['boom'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(byPath.refused?.message).toBe('No.');
      expect(byPath.refused?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await server.stop();
    }
  });
});
