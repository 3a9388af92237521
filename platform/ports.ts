/**
 * The ports the services listen on: which variable sets each, whether it can
 * be listened on, and the error when it cannot ({@link PortInUseError}), so
 * that a start on a taken port says which port and which variable to change
 * instead of Node's `listen EADDRINUSE`.
 */
import { createServer } from 'node:net';
import type { Config, SubgraphName } from './config.ts';

/** A port to listen on and the variable that sets it (none when the code chose it, as in tests). */
export interface PortSetting {
  port: number;
  variable?: string;
}

/** Whose port: the router's, a subgraph's, or the embedded PostgreSQL's of `npm start`. */
export type PortOwner = 'router' | SubgraphName | 'embeddedPostgres';

function describe(port: number, host: string, variables: readonly string[]): string {
  const [only, ...others] = variables;
  if (only === undefined) {
    return `Port ${port} on ${host} is already in use by another program: stop that program, or configure another port.`;
  }
  if (others.length > 0) {
    return `Port ${port} is set by both ${variables.join(' and ')}: each service needs a port of its own.`;
  }
  return `Port ${port} on ${host} (${only}) is already in use by another program: stop that program, or set ${only} to a free port.`;
}

/** A port that some service must listen on is taken (EADDRINUSE). */
export class PortInUseError extends Error {
  readonly port: number;
  readonly host: string;
  /** The variables that set this port, when known: one, or several set to the same port. */
  readonly variables: readonly string[];

  constructor(port: number, host: string, variables: readonly string[] = []) {
    super(describe(port, host, variables));
    this.name = 'PortInUseError';
    this.port = port;
    this.host = host;
    this.variables = variables;
  }
}

/** The variable and value of each owner's port in `config`. */
export function portSettings(
  config: {
    router: Pick<Config['router'], 'port'>;
    subgraphs: Record<SubgraphName, { port: number }>;
    embeddedPostgresPort: number;
  },
  owners: readonly PortOwner[],
): PortSetting[] {
  return owners.map((owner) => {
    if (owner === 'router') return { port: config.router.port, variable: 'ROUTER_PORT' };
    if (owner === 'embeddedPostgres') return { port: config.embeddedPostgresPort, variable: 'EMBEDDED_POSTGRES_PORT' };
    return { port: config.subgraphs[owner].port, variable: `${owner.toUpperCase()}_PORT` };
  });
}

/**
 * `error` with the variables that set its port named, when it is a
 * {@link PortInUseError} that did not know them (the HTTP server and the
 * embedded PostgreSQL know a port, not the variable behind it); any other
 * error as it is.
 */
export function namePortVariables(error: unknown, settings: readonly PortSetting[]): unknown {
  if (!(error instanceof PortInUseError) || error.variables.length > 0) return error;
  const variables = settings.filter((s) => s.port === error.port && s.variable).map((s) => s.variable as string);
  return variables.length > 0 ? new PortInUseError(error.port, error.host, variables) : error;
}

/** Resolves once `port` on `host` was listened on and released; rejects with Node's error if it could not. */
function tryListen(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/**
 * Checks, before anything starts, that every port can be listened on on
 * `host`: throws a {@link PortInUseError} for two settings on the same port,
 * or for the first port another program holds. Port 0 (any free port) always
 * can. A program may still take a port between this check and the listen, so
 * the listen reports it too.
 */
export async function assertPortsFree(host: string, settings: readonly PortSetting[]): Promise<void> {
  const byPort = new Map<number, string[]>();
  for (const { port, variable } of settings) {
    if (port === 0) continue;
    byPort.set(port, [...(byPort.get(port) ?? []), ...(variable ? [variable] : [])]);
  }
  for (const [port, variables] of byPort) {
    if (variables.length > 1) throw new PortInUseError(port, host, variables);
  }
  for (const [port, variables] of byPort) {
    try {
      await tryListen(host, port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, host, variables);
      throw error;
    }
  }
}
