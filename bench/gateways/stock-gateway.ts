/**
 * The stock peer: @apollo/gateway and @apollo/server as their documentation
 * sets them up (`startStandaloneServer`), over the same supergraph, with a
 * data source that does what the subgraphs require and nothing else: it
 * verifies the client's access token (the same function as the router) and
 * signs the caller header (the same function as the router) on every fetch.
 *
 *   node bench/gateways/stock-gateway.ts <setup.json> <port>
 */
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { callerFromAuthorization } from '../../platform/access-token.ts';
import { ANONYMOUS, CALLER_HEADER, callerKeyFor, signCallerHeader, type Caller } from '../../platform/caller.ts';
import { readSetup } from './setup.ts';

interface Context {
  caller?: Caller;
}

const setup = readSetup(process.argv[2]);
const port = Number(process.argv[3]);

class SigningDataSource extends RemoteGraphQLDataSource<Context> {
  readonly #callerKey: string;

  constructor(subgraph: string) {
    super({ url: setup.subgraphUrls[subgraph] });
    this.#callerKey = callerKeyFor(setup.callerSecret, subgraph);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>): void {
    const caller = 'caller' in context && context.caller ? context.caller : ANONYMOUS;
    request.http?.headers.set(
      CALLER_HEADER,
      signCallerHeader(this.#callerKey, caller, request.query ?? '', request.variables),
    );
  }
}

const server = new ApolloServer<Context>({
  gateway: new ApolloGateway({
    supergraphSdl: setup.supergraphSdl,
    buildService: ({ name }) => new SigningDataSource(name),
  }),
});
const { url } = await startStandaloneServer(server, {
  listen: { port, host: '127.0.0.1' },
  context: async ({ req }) => ({ caller: callerFromAuthorization(setup.tokenPublicKey, req.headers.authorization) }),
});
console.log(`listening ${url}`);
