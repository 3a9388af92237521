/**
 * The committed supergraph must be exactly what composition produces from
 * the subgraphs' SDL today (run `npm run compose` after changing a schema),
 * and composition must succeed.
 */
import { readFileSync } from 'node:fs';
import { composeSupergraph, presentSubgraphs, SUPERGRAPH_PATH } from '../bin/compose-supergraph.ts';

test('schema/supergraph.graphql equals a fresh composition of every subgraph', () => {
  const fresh = composeSupergraph();
  expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(fresh);
});

test('every subgraph in the tree is part of the supergraph', () => {
  const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
  for (const name of presentSubgraphs()) {
    expect(committed).toContain(`@join__graph(name: "${name}"`);
  }
});
