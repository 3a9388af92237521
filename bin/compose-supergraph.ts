/**
 * Composes `schema/supergraph.graphql` from the subgraphs' `schema.graphql`
 * files with @apollo/composition.
 *
 *   npm run compose          writes the file
 *   (test) supergraph.test   fails when the committed file is stale
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { DEFAULT_PORTS, SUBGRAPH_NAMES, type SubgraphName } from '../platform/config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SUPERGRAPH_PATH = path.join(root, 'schema', 'supergraph.graphql');

/** The subgraphs that exist in the tree (a folder with a schema.graphql). */
export function presentSubgraphs(): SubgraphName[] {
  const dir = path.join(root, 'subgraphs');
  const present = new Set(readdirSync(dir).filter((name) => existsSync(path.join(dir, name, 'schema.graphql'))));
  return SUBGRAPH_NAMES.filter((name) => present.has(name));
}

/** Composes the supergraph SDL; throws with every composition error. */
export function composeSupergraph(): string {
  const services = presentSubgraphs().map((name) => ({
    name,
    // The router replaces this URL with the configured one at run time.
    url: `http://localhost:${DEFAULT_PORTS[name]}/graphql`,
    typeDefs: parse(readFileSync(path.join(root, 'subgraphs', name, 'schema.graphql'), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  console.log(`wrote ${path.relative(process.cwd(), SUPERGRAPH_PATH)}`);
}
