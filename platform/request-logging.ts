/**
 * Logs one line per GraphQL request: request id, operation name, duration and
 * the error codes returned. Never the variables (they hold passwords and
 * tokens) nor the document.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from './logger.ts';

interface LoggedContext extends BaseContext {
  requestId: string;
}

export function requestLoggingPlugin<TContext extends LoggedContext>(
  logger: Logger,
  level: 'info' | 'debug',
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        // Unexpected errors reach clients masked; their details belong in the log.
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const code = error.extensions.code;
            if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
              logger.error(
                { requestId: contextValue.requestId, err: error.originalError ?? error, path: error.path },
                'unexpected error',
              );
            }
          }
        },
        async willSendResponse({ operationName, errors }) {
          logger[level](
            {
              requestId: contextValue.requestId,
              operationName: operationName ?? null,
              durationMs: Math.round(performance.now() - started),
              errorCodes: errors?.map((e) => e.extensions.code ?? 'UNKNOWN') ?? [],
            },
            'graphql request',
          );
        },
      };
    },
  };
}
