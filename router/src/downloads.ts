/**
 * File downloads through the router: the router authenticates the access
 * token as for GraphQL, signs the caller for the exact path and query string,
 * and forwards the GET to the subgraph that owns the file. Subgraphs stay
 * unreachable from outside.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerFromAuthorization } from '../../platform/access-token.ts';
import { checkEnrolment } from './request-checks.ts';
import { CALLER_HEADER, signCallerHeader, type Caller } from '../../platform/caller.ts';
import type { SubgraphName } from '../../platform/config.ts';
import { sendHttpError, UnauthenticatedError } from '../../platform/errors.ts';
import { REQUEST_ID_HEADER, type Logger } from '../../platform/logger.ts';
import { httpRouteOperation } from '../../platform/subgraph.ts';
import { traceHeaders } from '../../platform/tracing.ts';

/** Public download paths and the subgraph that serves each. */
export const DOWNLOADS: Readonly<Record<string, SubgraphName>> = {
  '/statement.csv': 'banking',
  // A data export's archive (GDPR articles 15 and 20), for its owner only.
  '/data-export.json': 'identity',
};

const FORWARDED_HEADERS = ['content-type', 'content-disposition', 'cache-control'];

export function downloadRoutes(options: {
  subgraphUrls: Record<string, string>;
  tokenKey: string;
  /** Each subgraph's caller-header key, by name. */
  callerKeys: Readonly<Record<string, string>>;
  logger: Logger;
  /** Counts the download against the caller's rate limit (throws RATE_LIMITED over it). */
  admit(caller: Caller, req: IncomingMessage): Promise<void>;
}): Record<string, (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>> {
  const route = (subgraph: SubgraphName) => async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    const logger = options.logger.child({ requestId });
    try {
      if (req.method !== 'GET') {
        res.statusCode = 405;
        res.setHeader('allow', 'GET');
        res.end();
        return;
      }
      const caller = callerFromAuthorization(options.tokenKey, req.headers.authorization);
      if (caller.kind !== 'user') throw new UnauthenticatedError('Downloads need an access token.');
      checkEnrolment(caller);
      await options.admit(caller, req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const target = new URL(`${url.pathname}${url.search}`, options.subgraphUrls[subgraph]);
      const response = await fetch(target, {
        headers: {
          [CALLER_HEADER]: signCallerHeader(options.callerKeys[subgraph] as string, caller, httpRouteOperation(url)),
          [REQUEST_ID_HEADER]: requestId,
          ...traceHeaders(),
        },
        signal: AbortSignal.timeout(30_000),
      });
      res.statusCode = response.status;
      for (const name of FORWARDED_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) res.setHeader(name, value);
      }
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      sendHttpError(res, error, logger);
    }
  };
  return Object.fromEntries(Object.entries(DOWNLOADS).map(([path, subgraph]) => [path, route(subgraph)]));
}
