/**
 * Cross-origin requests from browsers (CORS): a frontend served from another
 * origin (a development server on localhost:3000, the bank's web app) calls
 * the router only if the router names that origin in its answers.
 *
 * The allowed origins are configured (`CORS_ORIGINS`, platform/config.ts):
 * outside production any port of localhost, 127.0.0.1 and [::1] by default;
 * in production none unless listed. Credentials travel in the Authorization
 * header, never in cookies, so `Access-Control-Allow-Credentials` is never
 * sent and a page from an origin not listed cannot act with anyone's rights.
 * WebSockets are not subject to CORS; their token travels in
 * `connectionParams` for the same reason.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../platform/config.ts';

/** Headers a browser may send (Apollo Client's CSRF-safe headers among them). */
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id';
/** Headers a page may read from an answer. */
const EXPOSED_HEADERS = 'x-request-id, retry-after, content-disposition';
/** How long a browser may keep a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Does the policy allow `origin`? */
export function isAllowedOrigin(allowed: Config['router']['corsOrigins'], origin: string): boolean {
  if (allowed === '*') return true;
  if (allowed === 'local') {
    try {
      const url = new URL(origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && LOCAL_HOSTS.has(url.hostname);
    } catch {
      return false;
    }
  }
  return allowed.includes(origin);
}

/**
 * The router's CORS step for every HTTP request: names an allowed origin on
 * the answer, and answers preflights (OPTIONS with
 * `Access-Control-Request-Method`) itself: 204 for an allowed origin, 403
 * for another. Returns true when it answered.
 */
export function corsHandler(allowed: Config['router']['corsOrigins']) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    res.setHeader('vary', 'origin');
    if (origin === undefined) return false;
    const ok = isAllowedOrigin(allowed, origin);
    if (ok) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    }
    if (!preflight) return false;
    if (!ok) {
      res.statusCode = 403;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(
        JSON.stringify({
          errors: [
            {
              message: `The origin ${origin.slice(0, 200)} may not call this API (CORS_ORIGINS).`,
              extensions: { code: 'FORBIDDEN' },
            },
          ],
        }),
      );
      return true;
    }
    res.statusCode = 204;
    res.setHeader('access-control-allow-methods', 'GET, POST');
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE));
    res.end();
    return true;
  };
}
