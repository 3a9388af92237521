/**
 * The registry of subgraph implementations, loaded on demand so that one
 * service process imports only its own code.
 */
import { SUBGRAPH_NAMES, type SubgraphName } from '../platform/config.ts';
import type { SubgraphDefinition } from '../platform/subgraph.ts';

const loaders: Partial<Record<SubgraphName, () => Promise<SubgraphDefinition<unknown>>>> = {
  identity: async () => (await import('../subgraphs/identity/src/main.ts')).identity as SubgraphDefinition<unknown>,
  banking: async () => (await import('../subgraphs/banking/src/main.ts')).banking as SubgraphDefinition<unknown>,
  billing: async () => (await import('../subgraphs/billing/src/main.ts')).billing as SubgraphDefinition<unknown>,
  lending: async () => (await import('../subgraphs/lending/src/main.ts')).lending as SubgraphDefinition<unknown>,
  messaging: async () => (await import('../subgraphs/messaging/src/main.ts')).messaging as SubgraphDefinition<unknown>,
  assistant: async () => (await import('../subgraphs/assistant/src/main.ts')).assistant as SubgraphDefinition<unknown>,
};

/** The subgraphs implemented so far, in port order. */
export const IMPLEMENTED_SUBGRAPHS: SubgraphName[] = SUBGRAPH_NAMES.filter((n) => loaders[n] !== undefined);

export function isSubgraphName(value: unknown): value is SubgraphName {
  return typeof value === 'string' && (IMPLEMENTED_SUBGRAPHS as string[]).includes(value);
}

export async function loadSubgraph(name: SubgraphName): Promise<SubgraphDefinition<unknown>> {
  const load = loaders[name];
  if (!load) throw new Error(`The ${name} subgraph is not implemented yet.`);
  return load();
}
