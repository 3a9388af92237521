/**
 * The Hive peer: Hive Gateway's runtime (`createGatewayRuntime`, the engine
 * of Hive Gateway 2.15) over the same supergraph, served by Node's HTTP
 * server, with one plugin that does what the subgraphs require and nothing
 * else: it verifies the client's access token (the same function as the
 * router) and signs the caller header (the same function as the router) over
 * the exact query and variables of each subgraph request.
 *
 *   node bench/gateways/hive-gateway.ts <setup.json> <port>
 */
import { createServer, type RequestListener } from 'node:http';
import { callerFromAuthorization } from '../../platform/access-token.ts';
import { ANONYMOUS, CALLER_HEADER, callerKeyFor, signCallerHeader, type Caller } from '../../platform/caller.ts';
import { readSetup } from './setup.ts';

/**
 * The little of the runtime's API this file uses. Its own type declarations are left out of the
 * program on purpose: they bring graphql-yoga's global augmentation of GraphQL error extensions,
 * which contradicts Apollo Server's (`http.headers` a plain record, not a HeaderMap).
 */
interface HivePlugin {
  onContextBuilding(payload: { context: { request: Request } }): void;
  onFetch(payload: {
    url: string;
    options: RequestInit;
    setOptions(options: RequestInit): void;
    context: object | undefined;
  }): void;
}
interface HiveRuntime {
  createGatewayRuntime(options: {
    supergraph: string;
    transportEntries: Record<string, { location: string; options: { deduplicateInflightRequests: boolean } }>;
    logging: boolean;
    maskedErrors: boolean;
    plugins: () => HivePlugin[];
  }): RequestListener;
}
const runtimePackage: string = '@graphql-hive/gateway-runtime';
const { createGatewayRuntime } = (await import(runtimePackage)) as HiveRuntime;

const setup = readSetup(process.argv[2]);
const port = Number(process.argv[3]);

/** Each subgraph's caller-header key by its URL, derived as the router derives it. */
const callerKeys = new Map(
  Object.entries(setup.subgraphUrls).map(([name, url]) => [url, callerKeyFor(setup.callerSecret, name)]),
);

/** The caller of each client request, verified once when its context is built. */
const callers = new WeakMap<object, Caller>();

const signing: HivePlugin = {
  onContextBuilding({ context }) {
    const authorization = context.request.headers.get('authorization') ?? undefined;
    callers.set(context, callerFromAuthorization(setup.tokenPublicKey, authorization));
  },
  onFetch({ url, options, setOptions, context }) {
    const caller = (context && callers.get(context)) ?? ANONYMOUS;
    const body = JSON.parse(String(options.body)) as { query?: string; variables?: Record<string, unknown> };
    setOptions({
      ...options,
      headers: {
        ...(options.headers as Record<string, string>),
        [CALLER_HEADER]: signCallerHeader(callerKeys.get(url) ?? '', caller, body.query ?? '', body.variables),
      },
    });
  },
};

const gateway = createGatewayRuntime({
  supergraph: setup.supergraphSdl,
  transportEntries: Object.fromEntries(
    // In-flight deduplication (on by default) keys a subgraph request before onFetch adds the caller: with it,
    // concurrent requests of different users shared one answer, and users received each other's accounts.
    Object.entries(setup.subgraphUrls).map(([name, location]) => [
      name,
      { location, options: { deduplicateInflightRequests: false } },
    ]),
  ),
  logging: false,
  maskedErrors: false,
  plugins: () => [signing],
});
createServer(gateway).listen(port, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${port}/graphql`));
