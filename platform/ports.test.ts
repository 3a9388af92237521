/**
 * A taken port, whether found before the start or by the listen itself, is
 * reported with its number and the variable that set it.
 */
import { createServer, type Server } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startHttpServer } from './http-server.ts';
import { createLogger } from './logger.ts';
import { assertPortsFree, namePortVariables, PortInUseError, portSettings } from './ports.ts';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A port held by "another program" on 127.0.0.1. */
async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('the HTTP server reports a taken port as PortInUseError, which the start names with its variable', async () => {
  const port = await takenPort();
  const apollo = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }' });
  const listening = startHttpServer({
    host: '127.0.0.1',
    port,
    logger: createLogger({ logLevel: 'silent' }, 'test'),
    apollo,
    context: async () => ({}),
    ready: async () => true,
  });
  await expect(listening).rejects.toBeInstanceOf(PortInUseError);
  const error = await listening.catch((e: unknown) => e);
  expect((error as PortInUseError).message).toBe(
    `Port ${port} on 127.0.0.1 is already in use by another program: stop that program, or configure another port.`,
  );

  const config = {
    router: { port: 4000 },
    subgraphs: {
      identity: { port: 4001 },
      banking: { port },
      billing: { port: 4003 },
      lending: { port: 4004 },
      messaging: { port: 4005 },
      assistant: { port: 4006 },
    },
    embeddedPostgresPort: 5433,
  };
  const settings = portSettings(config, ['router', 'identity', 'banking', 'embeddedPostgres']);
  expect(settings).toEqual([
    { port: 4000, variable: 'ROUTER_PORT' },
    { port: 4001, variable: 'IDENTITY_PORT' },
    { port, variable: 'BANKING_PORT' },
    { port: 5433, variable: 'EMBEDDED_POSTGRES_PORT' },
  ]);
  expect((namePortVariables(error, settings) as Error).message).toBe(
    `Port ${port} on 127.0.0.1 (BANKING_PORT) is already in use by another program: stop that program, or set BANKING_PORT to a free port.`,
  );
  // Other errors pass through as they are.
  const other = new Error('other');
  expect(namePortVariables(other, settings)).toBe(other);
});

test('the check before a start finds a taken port, and two variables set to one port', async () => {
  const port = await takenPort();
  await expect(assertPortsFree('127.0.0.1', [{ port: 0 }, { port, variable: 'ROUTER_PORT' }])).rejects.toThrow(
    `Port ${port} on 127.0.0.1 (ROUTER_PORT) is already in use by another program: stop that program, or set ROUTER_PORT to a free port.`,
  );
  await expect(
    assertPortsFree('127.0.0.1', [
      { port: 4101, variable: 'ROUTER_PORT' },
      { port: 4101, variable: 'IDENTITY_PORT' },
    ]),
  ).rejects.toThrow('Port 4101 is set by both ROUTER_PORT and IDENTITY_PORT: each service needs a port of its own.');
  // A free port passes, and is free again afterwards.
  const free = await takenPort();
  await new Promise((resolve) => servers.pop()?.close(resolve));
  await expect(assertPortsFree('127.0.0.1', [{ port: free, variable: 'ROUTER_PORT' }])).resolves.toBeUndefined();
  await expect(assertPortsFree('127.0.0.1', [{ port: free, variable: 'ROUTER_PORT' }])).resolves.toBeUndefined();
});
