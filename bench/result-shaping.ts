/**
 * The CPU of the router's last step on a query, in one process: the
 * operation built from the document and the answer's walk over it, as
 * @apollo/gateway's `executeQueryPlan` does them for every request
 * (`operationFromDocument`, then `computeResponse`), against the router's
 * (router/src/result-shaping.ts: the operation built once per document, the
 * walk compiled once per operation), on the dashboard and on the balances
 * query, over answers shaped as the gateway merges them (`__typename` and
 * keys included) with the dashboard's sizes (3 accounts of 20 transactions,
 * 3 bills, 2 loan applications, 2 conversations).
 *
 *   PATH=node_modules/.bin:$PATH node bench/result-shaping.ts
 *
 * Each round runs `BENCH_CALLS` (2,000) of each, Apollo's then the router's,
 * and prints this process's CPU per call (`process.cpuUsage()`). Before
 * measuring it checks that both give the same JSON and that the compiled
 * walk answered by itself.
 */
import { readFileSync } from 'node:fs';
import federation, { type Operation, type Schema, type SelectionSet, type Type } from '@apollo/federation-internals';
import { computeResponse as apolloComputeResponse } from '@apollo/gateway/dist/resultShaping.js';
import { parse, type DocumentNode } from 'graphql';
import { SUPERGRAPH_PATH } from '../bin/compose-supergraph.ts';
import {
  compileOperation,
  compiledComputeResponse,
  memoizedOperationFromDocument,
  shapeResponse,
  type ComputeResponse,
} from '../router/src/result-shaping.ts';
import { BALANCES, DASHBOARD } from './gateways/operations.ts';
import { cpuPerCall, median } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);

const schema = federation.Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema();
const apollo = apolloComputeResponse as unknown as ComputeResponse;
const compiled = compiledComputeResponse(apollo);
const memoized = memoizedOperationFromDocument(federation.operationFromDocument);
const introspectionHandling = () => null;

/** How many items a list has in the answer: the dashboard's sizes. */
function lengthOf(name: string): number {
  if (name === 'transactions') return 20;
  if (name === 'accounts' || name === 'bills') return 3;
  return 2;
}

/** A well-formed answer to a selection set, with the `__typename` and id the gateway's merge carries. */
function answer(selectionSet: SelectionSet, type: Type, path: string[]): Record<string, unknown> {
  const object: Record<string, unknown> = { __typename: (type as { name: string }).name, id: `id-${path.join('.')}` };
  for (const selection of selectionSet.selections()) {
    if (selection.kind !== 'FieldSelection') continue;
    const field = selection.element;
    object[field.responseName()] = valueOf(field.definition.type!, selection.selectionSet, [...path, field.name]);
  }
  return object;
}

function valueOf(type: Type, selectionSet: SelectionSet | undefined, path: string[]): unknown {
  if (federation.isNonNullType(type)) return valueOf(type.ofType, selectionSet, path);
  if (federation.isListType(type)) {
    // A connection's edges take the length of the list it pages.
    const name = path.at(-1) === 'edges' ? path.at(-2)! : path.at(-1)!;
    return Array.from({ length: lengthOf(name) }, (_, index) =>
      valueOf(type.ofType, selectionSet, [...path, String(index)]),
    );
  }
  if (federation.isCompositeType(type)) return answer(selectionSet!, type, path);
  if (federation.isEnumType(type)) return type.values[0]!.name;
  if (type === schema.booleanType()) return true;
  if (type === schema.intType()) return 12;
  if (type === schema.floatType()) return 1.5;
  if (type === schema.stringType()) return `text of ${path.join('.')}`;
  if (type === schema.idType()) return `id-${path.join('.')}`;
  return '1234.56';
}

interface Case {
  name: string;
  document: DocumentNode;
  input: Record<string, unknown>;
}

function caseOf(name: string, query: string, apiSchema: Schema): Case {
  const document = parse(query);
  const operation = federation.operationFromDocument(apiSchema, document, { validate: true });
  const rootType = apiSchema.schemaDefinition.rootType(operation.rootKind)!;
  const input = answer(operation.selectionSet, rootType, []);
  delete input.__typename;
  delete input.id;
  return { name, document, input };
}

/** The document as executeQueryPlan hands it over: a fresh object around Apollo Server's cached definitions. */
function asGatewayDoes(document: DocumentNode): DocumentNode {
  return { kind: document.kind, definitions: [...document.definitions] };
}

function perRequest(build: typeof memoized, shape: ComputeResponse, { document, input }: Case): unknown {
  const operation: Operation = build(schema, asGatewayDoes(document), { validate: false });
  return shape({ operation, variables: {}, input, introspectionHandling }).data;
}

const apolloWay = (c: Case) => perRequest(federation.operationFromDocument, apollo, c);
const routerWay = (c: Case) => perRequest(memoized, compiled, c);

const cases = [caseOf('dashboard', DASHBOARD, schema), caseOf('balances', BALANCES, schema)];
for (const c of cases) {
  const expected = JSON.stringify(apolloWay(c));
  if (JSON.stringify(routerWay(c)) !== expected) throw new Error(`${c.name}: the two ways differ`);
  const operation = memoized(schema, asGatewayDoes(c.document), { validate: false });
  if (shapeResponse(compileOperation(operation)!, {}, c.input) === undefined) {
    throw new Error(`${c.name}: the compiled walk gave the answer to Apollo's`);
  }
  console.log(`${c.name}: an answer of ${expected.length} bytes of JSON`);
}

console.log(`µs of CPU per request, ${ROUNDS} rounds of ${CALLS} calls each (Apollo's, then the router's)`);
const figures = new Map<string, { apollo: number[]; router: number[] }>(
  cases.map((c) => [c.name, { apollo: [], router: [] }]),
);
for (let round = 1; round <= ROUNDS; round += 1) {
  for (const c of cases) {
    const figure = figures.get(c.name)!;
    figure.apollo.push(cpuPerCall(() => apolloWay(c), CALLS));
    figure.router.push(cpuPerCall(() => routerWay(c), CALLS));
    console.log(
      `round ${round} ${c.name.padEnd(9)} apollo ${figure.apollo.at(-1)!.toFixed(1)}  router ${figure.router.at(-1)!.toFixed(1)}`,
    );
  }
}
for (const [name, { apollo: a, router: r }] of figures) {
  const ratio = median(r.map((value, index) => value / a[index]!));
  console.log(
    `${name}: median apollo ${median(a).toFixed(1)} µs, router ${median(r).toFixed(1)} µs, median of the rounds' ratios ${ratio.toFixed(2)}`,
  );
}
