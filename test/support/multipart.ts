/**
 * A client of the router's multipart HTTP subscriptions for end-to-end
 * tests: it sends what Apollo Client's HttpLink sends for a subscription and
 * reads the parts as they arrive (the protocol's heartbeats `{}` apart).
 */

/** What Apollo Client's HttpLink sends as `Accept` for a subscription. */
export const MULTIPART_ACCEPT = 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json';

/** One part of the stream, parsed. */
export type Part = Record<string, unknown>;

export interface MultipartSubscription {
  status: number;
  contentType: string;
  /** The `Retry-After` header, if any. */
  retryAfter: string | null;
  /** The body as JSON when the answer was not a stream (a refusal). */
  json: Record<string, unknown> | undefined;
  /** The next part that is not a heartbeat; fails after `timeoutMs`. */
  next(timeoutMs?: number): Promise<Part>;
  /** Every part received so far, heartbeats included. */
  parts: Part[];
  /** Resolves when the stream ends (the closing boundary, or the connection). */
  ended: Promise<{ closingBoundary: boolean }>;
  /** Closes the connection, as a client leaving. */
  cancel(): void;
}

/** Subscribes with `query` (or, undefined, by the persisted query's id in `extensions` alone). */
export async function multipartSubscribe(
  routerUrl: string,
  query: string | undefined,
  variables: Record<string, unknown> = {},
  token?: string,
  extensions?: Record<string, unknown>,
): Promise<MultipartSubscription> {
  const controller = new AbortController();
  const response = await fetch(routerUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: MULTIPART_ACCEPT,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables, extensions }),
    signal: controller.signal,
  });
  const contentType = response.headers.get('content-type') ?? '';
  const parts: Part[] = [];
  if (!contentType.startsWith('multipart/mixed')) {
    const json = (await response.json()) as Record<string, unknown>;
    return {
      status: response.status,
      contentType,
      retryAfter: response.headers.get('retry-after'),
      json,
      parts,
      next: () => Promise.reject(new Error(`not a stream: ${JSON.stringify(json)}`)),
      ended: Promise.resolve({ closingBoundary: false }),
      cancel: () => controller.abort(),
    };
  }
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1] ?? '-';
  const delimiter = `\r\n--${boundary}`;
  const waiters = new Set<() => void>();
  let read = 0;
  let closingBoundary = false;
  let done = false;
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let at = buffer.indexOf(delimiter); at !== -1; at = buffer.indexOf(delimiter)) {
          const part = buffer.slice(0, at);
          buffer = buffer.slice(at + delimiter.length);
          const body = part.indexOf('\r\n\r\n');
          if (body !== -1) parts.push(JSON.parse(part.slice(body + 4)) as Part);
          for (const wake of waiters) wake();
        }
        if (buffer.startsWith('--')) closingBoundary = true;
      }
    } catch {
      // The connection was cut (by us, or by the server).
    }
    done = true;
    for (const wake of waiters) wake();
    return { closingBoundary };
  })();
  return {
    status: response.status,
    contentType,
    retryAfter: response.headers.get('retry-after'),
    json: undefined,
    parts,
    ended,
    cancel: () => controller.abort(),
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (read < parts.length) {
          const part = parts[read] as Part;
          read += 1;
          if (Object.keys(part).length > 0) return part;
        }
        if (done) throw new Error('the stream ended');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no part within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, left);
          function wake() {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          }
          waiters.add(wake);
        });
      }
    },
  };
}
