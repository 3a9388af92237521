/**
 * End to end: the offline explorer (GraphiQL at GET /explorer) is served by
 * the router with every file it loads, from nowhere else; only its fixed list
 * of paths answers (no path traversal); production serves none of it.
 *
 * Driving the page in a browser is `bench/explorer-browser.ts` (it needs
 * Chromium, which `npm test` does not).
 */
import { request } from 'node:http';
import { EXPLORER_FILES, EXPLORER_PATH, explorerContentSecurityPolicy } from '../router/src/explorer.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

/** Sends `path` exactly as written (fetch would normalize `..` and some encodings away before sending). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every `src` and `href` attribute of a page. */
function referencesOf(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1] as string);
}

const TRAVERSALS = [
  '/explorer/../package.json',
  '/explorer/../../package.json',
  '/explorer/%2e%2e/package.json',
  '/explorer/%2E%2E/%2e%2e/package.json',
  '/explorer/..%2fpackage.json',
  '/explorer/..%2f..%2fpackage.json',
  '/explorer/%2e%2e%2f%2e%2e%2fpackage.json',
  '/explorer/%252e%252e/package.json',
  '/explorer/..\\..\\package.json',
  '/explorer/..%5c..%5cpackage.json',
  '/explorer/.%2e/.%2e/package.json',
  '/explorer//work/main/package.json',
  '/explorer/node_modules/graphiql/package.json',
  '/explorer/../node_modules/graphiql/package.json',
  '/explorer/../router/src/explorer.ts',
  '/explorer/index.html',
  '/explorer/graphiql.min.js.map',
  '/explorer/graphiql.js',
  '/explorer/',
  '/explorer/explorer.js/',
  '/explorer.js',
  '/package.json',
];

describe('outside production', () => {
  let bank: TestStack;
  beforeAll(async () => {
    bank = await startTestStack();
  });
  afterAll(async () => {
    await bank?.close();
  });

  const get = (path: string, init?: RequestInit) => fetch(new URL(path, bank.routerUrl), init);

  test('GET /explorer serves the page, with a policy that allows the router only', async () => {
    const page = await get(EXPLORER_PATH);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toMatch(/<title>[^<]*GraphiQL[^<]*<\/title>/);

    // The page's nonce (for the <style> elements GraphiQL's menus add) is in its policy, and new each time.
    const nonce = /\snonce="([^"]+)"/.exec(html)?.[1] as string;
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(html).not.toContain('{{nonce}}');
    const policy = page.headers.get('content-security-policy') as string;
    expect(policy).toBe(explorerContentSecurityPolicy(nonce));
    expect(policy).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const again = await get(EXPLORER_PATH);
    expect(again.headers.get('content-security-policy')).not.toBe(policy);
    expect(await again.text()).not.toContain(nonce);

    // The policy names no host: sources are 'self', 'none', the nonce, or data: (GraphiQL's inlined icons and fonts).
    for (const directive of policy.split(';')) {
      const [, ...sources] = directive.trim().split(/\s+/);
      for (const source of sources) expect(["'self'", "'none'", 'data:', `'nonce-${nonce}'`]).toContain(source);
    }
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).toMatch(/connect-src 'self'(;|$)/);
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).not.toMatch(/unsafe-/);
  });

  test('every file the page references is served by the router, with its content type', async () => {
    const html = await (await get(EXPLORER_PATH)).text();
    // No absolute URL at all, so nothing can come from another host.
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i);

    const references = referencesOf(html);
    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/gi)].map((m) => m[1] as string);
    const styles = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/gi)].map((m) => m[1] as string);
    expect(scripts).toEqual([
      '/explorer/react.production.min.js',
      '/explorer/react-dom.production.min.js',
      '/explorer/graphiql.min.js',
      '/explorer/explorer.js',
    ]);
    expect(styles).toEqual(['/explorer/graphiql.min.css', '/explorer/explorer.css']);
    // No inline script: every <script> has a src (the policy would refuse one anyway).
    expect(html.match(/<script\b/gi)).toHaveLength(scripts.length);

    for (const reference of references) {
      if (reference.startsWith('data:')) continue; // the empty favicon, so the browser asks for none
      expect(reference).toMatch(/^\/explorer\//);
      const response = await get(reference);
      expect({ reference, status: response.status }).toEqual({ reference, status: 200 });
      const expected = reference.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
      expect(response.headers.get('content-type')).toBe(expected);
      expect(response.headers.get('content-security-policy')).toBe(explorerContentSecurityPolicy());
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const body = await response.text();
      expect(body.length).toBeGreaterThan(100);
      expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    }
    // The page references every file the explorer serves: none is served for nothing.
    expect(new Set([EXPLORER_PATH, ...references.filter((r) => !r.startsWith('data:'))])).toEqual(
      new Set(Object.keys(EXPLORER_FILES)),
    );
  });

  test('the scripts are the UMD builds the page expects, and its own files name no other host', async () => {
    const text = async (path: string) => (await get(path)).text();
    expect(await text('/explorer/graphiql.min.js')).toMatch(/\.GraphiQL=\w+\(\w+\.React,\w+\.ReactDOM\)/);
    expect(await text('/explorer/react.production.min.js')).toMatch(/\.React\s*=\s*\{\}|React/);
    expect(await text('/explorer/react-dom.production.min.js')).toMatch(/ReactDOM/);
    const own = (await text('/explorer/explorer.js')) + (await text('/explorer/explorer.css'));
    expect(own).not.toMatch(/https?:\/\//i);
    expect(own).toContain("new URL('/graphql', location.href)");
    // GraphiQL's stylesheet carries its fonts and icons inline: it loads nothing from elsewhere.
    const css = await text('/explorer/graphiql.min.css');
    const urls = [...css.matchAll(/url\(\s*["']?([^"')]*)/g)].map((m) => m[1] as string);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^data:/);
    expect(css).not.toMatch(/@import/);
  });

  test('a browser revalidates: a matching If-None-Match gets 304 without a body', async () => {
    const first = await get('/explorer/graphiql.min.js');
    const etag = first.headers.get('etag') as string;
    await first.arrayBuffer();
    const again = await get('/explorer/graphiql.min.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const weak = await get('/explorer/graphiql.min.js', { headers: { 'if-none-match': `"other", W/${etag}` } });
    expect(weak.status).toBe(304);
    const stale = await get('/explorer/graphiql.min.js', { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  test('HEAD answers like GET without a body; other methods are 405', async () => {
    const head = await get(EXPLORER_PATH, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await head.text()).toBe('');
    const post = await get(EXPLORER_PATH, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  test('only the listed paths answer: traversal and other files are 404', async () => {
    // The raw client reaches the files when the path is right.
    expect((await rawGet(bank.routerUrl, '/explorer/explorer.css')).status).toBe(200);
    for (const path of TRAVERSALS) {
      const response = await rawGet(bank.routerUrl, path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body).not.toContain('bank-supergraph');
      expect(response.body).not.toContain('graphiql');
    }
  });

  test('GraphQL on /graphql is unchanged (the page posts there)', async () => {
    const response = await get('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('production', () => {
  let bank: TestStack;
  beforeAll(async () => {
    bank = await startTestStack({ NODE_ENV: 'production' });
  });
  afterAll(async () => {
    await bank?.close();
  });

  test('serves no explorer: the page and every file are 404', async () => {
    expect(bank.config.isProduction).toBe(true);
    for (const path of Object.keys(EXPLORER_FILES)) {
      const response = await fetch(new URL(path, bank.routerUrl));
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      const body = await response.text();
      expect(body).not.toMatch(/graphiql|<html/i);
    }
  });
});
