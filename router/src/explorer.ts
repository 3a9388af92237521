/**
 * The offline explorer: GraphiQL, served by the router itself at `GET /explorer`.
 *
 * Apollo Sandbox, the landing page on `/graphql`, loads from Apollo's CDN and
 * so needs the internet; this page does not. Every script and stylesheet it
 * uses comes from the router: the UMD builds of GraphiQL, React and ReactDOM
 * from `node_modules`, and the page's own small files from `router/explorer/`.
 * Queries and mutations go over HTTP to `/graphql`, subscriptions over
 * graphql-ws to the same address, both with the Authorization header typed in
 * GraphiQL's headers editor.
 *
 * Only a fixed list of paths is served, each matched exactly (the HTTP server
 * looks routes up by pathname), so no part of a request ever names a file and
 * `/explorer/../package.json` or its encodings are the server's ordinary 404.
 * Like Sandbox, development and test only: production serves none of it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';

/** The explorer's page; its files are served under this path. */
export const EXPLORER_PATH = '/explorer';

/**
 * The Content-Security-Policy of the explorer's responses: scripts, styles
 * and connections (HTTP and WebSocket) to the router only. `data:` images and
 * fonts are GraphiQL's icons and fonts, inlined in its stylesheet.
 *
 * The page's policy also allows `<style>` elements carrying the page's nonce,
 * fresh for each response: GraphiQL's menus and dialogs (Radix, through
 * `react-remove-scroll`) add one while open, tagged with the nonce found in
 * `window.__webpack_nonce__`, which explorer.js sets. Without it opening the
 * operation menu is refused by the policy. No inline script is allowed.
 */
export function explorerContentSecurityPolicy(styleNonce?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    styleNonce === undefined ? "style-src 'self'" : `style-src 'self' 'nonce-${styleNonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Where index.html takes each response's nonce. */
export const NONCE_PLACEHOLDER = '{{nonce}}';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

/** One file the explorer serves: a file of an npm package, or one of the page's own. */
interface ExplorerFile {
  /** An npm package holding the file, or undefined for the page's own files in `router/explorer/`. */
  package?: string;
  /** The file, relative to the package's folder (or to `router/explorer/`). */
  file: string;
  contentType: string;
}

/**
 * Every path the explorer answers, and nothing else. GraphiQL 4 is the last
 * major version with a UMD build (5 is ES modules only, with Monaco's
 * workers); that build expects React 18, the last React with UMD builds.
 */
export const EXPLORER_FILES: Readonly<Record<string, ExplorerFile>> = {
  [EXPLORER_PATH]: { file: 'index.html', contentType: HTML },
  [`${EXPLORER_PATH}/explorer.css`]: { file: 'explorer.css', contentType: CSS },
  [`${EXPLORER_PATH}/explorer.js`]: { file: 'explorer.js', contentType: JAVASCRIPT },
  [`${EXPLORER_PATH}/graphiql.min.css`]: { package: 'graphiql', file: 'graphiql.min.css', contentType: CSS },
  [`${EXPLORER_PATH}/graphiql.min.js`]: { package: 'graphiql', file: 'graphiql.min.js', contentType: JAVASCRIPT },
  [`${EXPLORER_PATH}/react.production.min.js`]: {
    package: 'react',
    file: 'umd/react.production.min.js',
    contentType: JAVASCRIPT,
  },
  [`${EXPLORER_PATH}/react-dom.production.min.js`]: {
    package: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    contentType: JAVASCRIPT,
  },
};

/** The page's own files. */
const OWN_FILES = fileURLToPath(new URL('../explorer/', import.meta.url));

type Route = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;

interface LoadedFile {
  body: Buffer;
  etag: string;
}

/** True when an If-None-Match header names `etag` (or is `*`); weak validators compare equal, as RFC 9110 says for GET. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * The explorer's routes for the router's HTTP server, or none in production
 * (or when GraphiQL and React, development dependencies, are not installed:
 * `npm ci --omit=dev`).
 */
export function explorerRoutes(options: { config: Config; logger: Logger }): Record<string, Route> {
  if (options.config.isProduction) return {};
  const packages = createRequire(import.meta.url);
  const paths: Record<string, string> = {};
  try {
    for (const [path, { package: pkg, file }] of Object.entries(EXPLORER_FILES)) {
      paths[path] =
        pkg === undefined ? join(OWN_FILES, file) : join(dirname(packages.resolve(`${pkg}/package.json`)), file);
    }
  } catch (error) {
    options.logger.warn({ err: error }, 'explorer not served: its packages (development dependencies) are missing');
    return {};
  }

  // Read once, on first request: a page nobody opens costs nothing.
  const loaded = new Map<string, Promise<LoadedFile>>();
  const load = (path: string): Promise<LoadedFile> => {
    let file = loaded.get(path);
    if (!file) {
      file = readFile(paths[path] as string).then((body) => ({
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      }));
      file.catch(() => loaded.delete(path)); // a failed read is retried by the next request
      loaded.set(path, file);
    }
    return file;
  };

  /** Headers of every explorer response. */
  const secure = (res: ServerResponse, policy: string) => {
    res.setHeader('content-security-policy', policy);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
  };
  const send = (req: IncomingMessage, res: ServerResponse, contentType: string, body: Buffer) => {
    res.statusCode = 200;
    res.setHeader('content-type', contentType);
    res.setHeader('content-length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const route =
    (path: string, contentType: string): Route =>
    async (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.statusCode = 405;
        res.setHeader('allow', 'GET, HEAD');
        res.end();
        return;
      }
      const { body, etag } = await load(path);
      if (path === EXPLORER_PATH) {
        // The page carries a nonce of its own: never cached, never the same twice.
        const nonce = randomBytes(18).toString('base64');
        secure(res, explorerContentSecurityPolicy(nonce));
        res.setHeader('cache-control', 'no-store');
        send(req, res, contentType, Buffer.from(body.toString('utf8').replaceAll(NONCE_PLACEHOLDER, nonce)));
        return;
      }
      secure(res, explorerContentSecurityPolicy());
      // The URLs carry no version: revalidate every time, so an upgraded package reaches the browser at once.
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('etag', etag);
      if (matches(req.headers['if-none-match'], etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      send(req, res, contentType, body);
    };
  return Object.fromEntries(
    Object.entries(EXPLORER_FILES).map(([path, file]) => [path, route(path, file.contentType)]),
  );
}
