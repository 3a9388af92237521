/**
 * What the orchestrator (bench/gateways.ts) hands its child processes: one
 * JSON file in the run's temporary folder, read once at start.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BALANCES, DASHBOARD, TRANSFER } from './operations.ts';

/** A seeded user the load rotates through: their access token and two of their accounts. */
export interface BenchUser {
  token: string;
  accounts: [string, string];
}

export interface BenchSetup {
  /** The committed supergraph, as every gateway serves it. */
  supergraphSdl: string;
  /** Subgraph URL by name. */
  subgraphUrls: Record<string, string>;
  /**
   * The router's caller secret: the peers sign each subgraph's caller header with that subgraph's key derived
   * from it (platform/caller.ts's `callerKeyFor`), as the router does.
   */
  callerSecret: string;
  /** The public key of access tokens (PEM): the peers verify the client's token with it, as the router does. */
  tokenPublicKey: string;
  users: BenchUser[];
}

export function readSetup(file: string | undefined): BenchSetup {
  if (!file) throw new Error('usage: pass the setup file written by bench/gateways.ts');
  return JSON.parse(readFileSync(file, 'utf8')) as BenchSetup;
}

/** Prefix of this process's idempotency keys: unique across processes and runs. */
const RUN = `bench-${randomBytes(6).toString('hex')}`;

/** The three measured operations. */
export const OPERATIONS = ['dashboard', 'balances', 'transfer'] as const;
export type OperationName = (typeof OPERATIONS)[number];

/** The GraphQL request body of one measured operation for `user` (a fresh idempotency key for each transfer). */
export function requestOf(
  operation: OperationName,
  user: BenchUser,
  n: number,
): { query: string; variables: Record<string, unknown> } {
  if (operation === 'dashboard') return { query: DASHBOARD, variables: {} };
  if (operation === 'balances') return { query: BALANCES, variables: {} };
  // Back and forth between the user's two accounts: balances never run out.
  const [from, to] = n % 2 === 0 ? user.accounts : [user.accounts[1], user.accounts[0]];
  return {
    query: TRANSFER,
    variables: {
      input: { fromAccountId: from, toAccountId: to, amount: '0.01', idempotencyKey: `${RUN}-${n}` },
    },
  };
}
