/**
 * How the router's data sources reach the subgraphs: undici's `request`
 * over keep-alive connection pools, answering with the little of a fetch
 * `Response` that @apollo/gateway reads (status, headers, the body as text
 * or JSON).
 *
 * @apollo/gateway's default fetcher is make-fetch-happen, built for npm's
 * HTTP cache: on the router's profile its stack (minipass-fetch, agent-base,
 * whose `isSecureEndpoint` builds a stack trace on every request) took
 * 13-14% of the busy time. Subgraph answers are never cached here, so none of
 * that is needed.
 */
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent, request } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

/** A subgraph's answer, read in full. */
class SubgraphResponse implements FetcherResponse {
  readonly redirected = false;
  readonly url: string;
  readonly status: number;
  readonly #rawHeaders: IncomingHttpHeaders;
  readonly #body: string;
  #bodyUsed = false;
  #headers: Headers | undefined;

  constructor(url: string, status: number, rawHeaders: IncomingHttpHeaders, body: string) {
    this.url = url;
    this.status = status;
    this.#rawHeaders = rawHeaders;
    this.#body = body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    return '';
  }
  get bodyUsed(): boolean {
    return this.#bodyUsed;
  }
  get headers(): Headers {
    this.#headers ??= new Headers(
      Object.entries(this.#rawHeaders).flatMap(([name, value]): [string, string][] =>
        value === undefined ? [] : Array.isArray(value) ? value.map((v) => [name, v]) : [[name, value]],
      ),
    );
    return this.#headers;
  }
  async text(): Promise<string> {
    this.#bodyUsed = true;
    return this.#body;
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): SubgraphResponse {
    return new SubgraphResponse(this.url, this.status, this.#rawHeaders, this.#body);
  }
}

/** A fetcher with its own keep-alive pools (one per subgraph origin), and a way to close them. */
export function createSubgraphFetcher(): { fetcher: Fetcher; close(): Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const response = await request(url, {
      dispatcher: agent,
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      headers: init.headers,
      body: init.body,
      signal: init.signal as AbortSignal | undefined,
    });
    return new SubgraphResponse(url, response.statusCode, response.headers, await response.body.text());
  };
  return { fetcher, close: () => agent.close() };
}
