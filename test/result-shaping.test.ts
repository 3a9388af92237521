/**
 * The router's compiled result shaping (router/src/result-shaping.ts) against
 * @apollo/gateway's own `computeResponse`: for operations on the bank's
 * supergraph and on a small schema with an interface and a union, and for
 * generated answers, well formed and broken in one place, both give the same
 * data (same fields, same order) and the same errors, or throw the same
 * error. For every well-formed answer the compiled walk must give the result
 * itself, not hand it to Apollo's.
 */
import { readFileSync } from 'node:fs';
import federation, {
  type CompositeType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import { computeResponse as apolloComputeResponse } from '@apollo/gateway/dist/resultShaping.js';
import { parse, type DocumentNode } from 'graphql';
import { DASHBOARD } from '../bench/gateways/operations.ts';
import { SUPERGRAPH_PATH } from '../bin/compose-supergraph.ts';
import { createLogger } from '../platform/logger.ts';
import {
  CHECKED_GATEWAY_VERSION,
  compileOperation,
  compiledComputeResponse,
  installCompiledResultShaping,
  memoizedOperationFromDocument,
  shapeResponse,
  type ComputeResponse,
} from '../router/src/result-shaping.ts';
import { mulberry32 } from './support/fuzz.ts';

const apollo = apolloComputeResponse as unknown as ComputeResponse;
const compiled = compiledComputeResponse(apollo);
const { isCompositeType, isEnumType, isListType, isNonNullType, isObjectType, isSubtype, possibleRuntimeTypes } =
  federation;

const supergraphSchema = federation.Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema();

const ABSTRACT_SDL = `
  interface Node { id: ID! }
  interface Named { name: String }
  type Person implements Node & Named { id: ID! name: String age: Int friends: [Person!] pet: Pet }
  type Dog implements Node & Named { id: ID! name: String barks: Boolean! owner: Person }
  type Cat implements Node & Named { id: ID! name: String lives: Int! }
  union Pet = Dog | Cat
  enum Mood { HAPPY SAD }
  scalar Decimal
  type Query {
    node(id: ID!): Node
    nodes: [Node]!
    pets: [Pet!]!
    me: Person!
    mood: Mood
    score: Float
    price: Decimal
  }
`;
const abstractSchema = federation.buildSchema(ABSTRACT_SDL);

/** Operations of the bank's supergraph: the dashboard, aliases, repeated fields, fragments and conditions. */
const SUPERGRAPH_OPERATIONS = [
  DASHBOARD,
  `query Aliased($withBills: Boolean!, $noName: Boolean = false) {
    who: me { kind: __typename id alias: name @skip(if: $noName) }
    me {
      __typename
      accounts { id balance { amount } }
      accounts { id balance { currency } nick: nickname }
      ...Money
      bills @include(if: $withBills) { id status due: dueDate }
      bills @include(if: true) { id }
    }
  }
  fragment Money on User { accounts { availableBalance { amount currency } } }`,
  `query Spread($skipAccounts: Boolean = true) {
    me { ... on User @skip(if: $skipAccounts) { accounts { id } } ...Person @include(if: false) id }
  }
  fragment Person on User { name email }`,
];

/** Operations of the abstract schema: fragments on interfaces, unions and objects. */
const ABSTRACT_OPERATIONS = [
  `query Nodes($on: Boolean!) {
    nodes { __typename id ... on Named { name } ... on Person { age friends { id name } pet { ... on Dog { barks } ... on Cat { lives } } } ... on Dog @include(if: $on) { owner { id } } }
  }`,
  `query Pets { pets { kind: __typename ... on Dog { id name barks } ...CatFields } me { id pet { __typename } } mood score price }
  fragment CatFields on Cat { id lives }`,
  `query One { node(id: "1") { id ... on Person { name ... on Named { name } } } }`,
];

type Json = unknown;

/** A leaf value that the schema accepts for the type. */
function leafValue(schema: Schema, type: Type, next: () => number): Json {
  if (isEnumType(type)) return type.values[Math.floor(next() * type.values.length)]!.name;
  if (type === schema.booleanType()) return next() < 0.5;
  if (type === schema.intType()) return Math.floor(next() * 2000) - 1000;
  if (type === schema.floatType()) return next() * 100;
  if (type === schema.idType()) return next() < 0.8 ? `id-${Math.floor(next() * 1000)}` : Math.floor(next() * 1000);
  if (type === schema.stringType()) return `text ${Math.floor(next() * 1000)}`;
  return `${(next() * 1000).toFixed(4)}`;
}

/** A well-formed answer to a selection set, as the router's merged subgraph answers look: extra fields included. */
function answer(
  schema: Schema,
  selectionSet: SelectionSet,
  parentType: CompositeType,
  next: () => number,
): Record<string, Json> {
  const runtimeTypes = possibleRuntimeTypes(parentType);
  const runtime = runtimeTypes[Math.floor(next() * runtimeTypes.length)]!;
  const object: Record<string, Json> = {};
  if (!isObjectType(parentType) || next() < 0.7) object.__typename = runtime.name;
  if (next() < 0.3) object.id = 'fetched-for-a-join';
  fill(schema, object, selectionSet, runtime, next);
  return object;
}

function fill(
  schema: Schema,
  object: Record<string, Json>,
  selectionSet: SelectionSet,
  runtime: CompositeType,
  next: () => number,
): void {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      if (field.name === '__typename') continue;
      const name = field.responseName();
      object[name] = value(schema, field.definition.type!, selection.selectionSet, next, object[name]);
    } else {
      const condition = selection.element.typeCondition;
      if (condition === undefined || isSubtype(condition, runtime))
        fill(schema, object, selection.selectionSet, runtime, next);
    }
  }
}

function value(
  schema: Schema,
  type: Type,
  selectionSet: SelectionSet | undefined,
  next: () => number,
  known: Json,
): Json {
  if (isNonNullType(type)) return value(schema, type.ofType, selectionSet, next, known ?? 'absent');
  if (known === null) return null;
  if (known === undefined && next() < 0.1) return null;
  if (isListType(type)) {
    const list = Array.isArray(known) ? known : Array.from({ length: Math.floor(next() * 4) }, () => undefined);
    return list.map((element) => value(schema, type.ofType, selectionSet, next, element));
  }
  if (isCompositeType(type)) {
    if (known !== undefined && known !== 'absent' && typeof known === 'object') {
      const object = known as Record<string, Json>;
      const runtime = typeof object.__typename === 'string' ? (schema.type(object.__typename) as CompositeType) : type;
      fill(schema, object, selectionSet!, runtime, next);
      return object;
    }
    return answer(schema, selectionSet!, type, next);
  }
  return leafValue(schema, type, next);
}

const BROKEN_VALUES: Json[] = [
  null,
  undefined,
  'text',
  12.5,
  7,
  true,
  [],
  {},
  { __typename: 'Nope' },
  { __typename: 'String' },
  { __typename: 7 },
  Infinity,
  '__proto__',
  'HAPPY',
];

/** Every place in an answer: the object holding it and its key. */
function places(value: Json, found: [Record<string, Json> | Json[], string | number][] = []): typeof found {
  if (Array.isArray(value)) {
    value.forEach((element, index) => {
      found.push([value, index]);
      places(element, found);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, element] of Object.entries(value)) {
      found.push([value as Record<string, Json>, key]);
      places(element, found);
    }
  }
  return found;
}

/** The answer with one value replaced by a wrong one (or removed). */
function broken(input: Record<string, Json>, next: () => number): Record<string, Json> {
  const copy = structuredClone(input);
  const all = places(copy);
  if (all.length === 0) return copy;
  const [holder, key] = all[Math.floor(next() * all.length)]!;
  const replacement = BROKEN_VALUES[Math.floor(next() * BROKEN_VALUES.length)];
  if (replacement === undefined && !Array.isArray(holder)) delete (holder as Record<string, Json>)[key];
  else (holder as Record<string | number, Json>)[key] = structuredClone(replacement);
  return copy;
}

/** What one computeResponse gives: its data as written, its errors, or what it threw. */
function outcome(computeResponse: ComputeResponse, args: Parameters<ComputeResponse>[0]): unknown {
  try {
    const { data, errors } = computeResponse(args);
    return {
      data: JSON.stringify(data),
      nullPrototype: data ? Object.getPrototypeOf(data) === null : 'no data',
      errors: errors.map((error) => ({ message: error.message, path: error.path, extensions: error.extensions })),
    };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

function operationOf(schema: Schema, query: string): Operation {
  return federation.operationFromDocument(schema, parse(query), { validate: true });
}

function variablesFor(operation: Operation, next: () => number): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const { variable } of operation.variableDefinitions.definitions()) {
    if (next() < 0.9) variables[variable.name] = next() < 0.5;
  }
  return variables;
}

const cases: [string, Schema, string][] = [
  ...SUPERGRAPH_OPERATIONS.map((query): [string, Schema, string] => [
    query.split(/[({]/)[0]!.trim(),
    supergraphSchema,
    query,
  ]),
  ...ABSTRACT_OPERATIONS.map((query): [string, Schema, string] => [
    query.split(/[({]/)[0]!.trim(),
    abstractSchema,
    query,
  ]),
];

describe.each(cases)('%s', (_name, schema, query) => {
  const operation = operationOf(schema, query);
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
  const introspectionHandling = () => {
    throw new Error('no introspection in these operations');
  };

  test('a well-formed answer: the compiled walk gives the same data and no errors, by itself', () => {
    const plan = compileOperation(operation);
    expect(plan).toBeDefined();
    const next = mulberry32(query.length);
    for (let round = 0; round < 300; round++) {
      const input = answer(schema, operation.selectionSet, rootType, next);
      const variables = variablesFor(operation, next);
      const complete = operation.variableDefinitions
        .definitions()
        .every(
          ({ variable, defaultValue }) => typeof variables[variable.name] === 'boolean' || defaultValue !== undefined,
        );
      const args = { operation, variables, input, introspectionHandling };
      expect(outcome(compiled, args)).toEqual(outcome(apollo, args));
      if (complete) {
        expect(JSON.stringify(shapeResponse(plan!, variables, input))).toBe(JSON.stringify(apollo(args).data));
      }
    }
  });

  test('an answer broken in one place: the same data, errors or thrown error as Apollo', () => {
    const plan = compileOperation(operation)!;
    const next = mulberry32(query.length * 7);
    const answeredBy = { compiled: 0, apollo: 0 };
    for (let round = 0; round < 600; round++) {
      const input = broken(answer(schema, operation.selectionSet, rootType, next), next);
      const variables = variablesFor(operation, next);
      if (next() < 0.05) {
        const names = Object.keys(variables);
        if (names.length > 0) variables[names[0]!] = 'yes';
      }
      const args = { operation, variables, input, introspectionHandling };
      expect(outcome(compiled, args)).toEqual(outcome(apollo, args));
      answeredBy[shapeResponse(plan, variables, input) === undefined ? 'apollo' : 'compiled'] += 1;
    }
    // Both ways are taken: breaks the compiled walk answers itself (an extra
    // field, a null where the schema allows one) and breaks it hands to Apollo.
    expect(answeredBy.compiled).toBeGreaterThan(100);
    expect(answeredBy.apollo).toBeGreaterThan(100);
  });
});

test('an answer breaking the schema somewhere is shaped by Apollo, with its error', () => {
  const operation = operationOf(abstractSchema, `{ me { id pet { ... on Dog { barks } } } }`);
  const args = {
    operation,
    input: { me: { id: '1', pet: { __typename: 'Dog', barks: null } } },
    introspectionHandling: () => null,
  };
  const result = compiled(args);
  expect(JSON.stringify(result.data)).toBe('{"me":{"id":"1","pet":null}}');
  expect(result.errors.map((error) => error.message)).toEqual(['Cannot return null for non-nullable field Dog.barks.']);
  expect(compileOperation(operation)).toBeDefined();
  expect(shapeResponse(compileOperation(operation)!, undefined, args.input)).toBeUndefined();
});

test('an operation selecting introspection fields is left to Apollo', () => {
  const operation = operationOf(abstractSchema, `{ __schema { queryType { name } } me { id } }`);
  expect(compileOperation(operation)).toBeUndefined();
  const result = compiled({
    operation,
    input: { me: { id: '1' } },
    introspectionHandling: () => ({ queryType: { name: 'Query' } }),
  });
  expect(JSON.stringify(result.data)).toBe('{"__schema":{"queryType":{"name":"Query"}},"me":{"id":"1"}}');
});

describe('the operation built once per document', () => {
  const built = { count: 0 };
  const counted: typeof federation.operationFromDocument = (...args) => {
    built.count += 1;
    return federation.operationFromDocument(...args);
  };
  let memoized = memoizedOperationFromDocument(counted);
  const document = parse(`query Q { me { id ...F } } fragment F on Person { name }`);
  const asGatewayDoes = (definitions: DocumentNode['definitions']): DocumentNode => ({
    kind: document.kind,
    definitions,
  });

  beforeEach(() => {
    built.count = 0;
    memoized = memoizedOperationFromDocument(counted);
  });

  test('the same definitions of the same schema give the same operation', () => {
    const first = memoized(abstractSchema, asGatewayDoes([...document.definitions]), { validate: false });
    const second = memoized(abstractSchema, asGatewayDoes([...document.definitions]), { validate: false });
    expect(second).toBe(first);
    expect(built.count).toBe(1);
    expect(first.toString()).toBe(
      operationOf(abstractSchema, `query Q { me { id ...F } } fragment F on Person { name }`).toString(),
    );
  });

  test('other fragments, another schema, validation or an operation name build it again', () => {
    const other = parse(`fragment F on Person { id }`).definitions[0]!;
    const base = memoized(abstractSchema, asGatewayDoes([...document.definitions]), { validate: false });
    expect(memoized(abstractSchema, asGatewayDoes([document.definitions[0]!, other]), { validate: false })).not.toBe(
      base,
    );
    const rebuilt = federation.buildSchema(ABSTRACT_SDL);
    expect(memoized(rebuilt, asGatewayDoes([...document.definitions]), { validate: false }).schema()).toBe(rebuilt);
    expect(memoized(abstractSchema, asGatewayDoes([...document.definitions]), { validate: true })).not.toBe(base);
    expect(
      memoized(abstractSchema, asGatewayDoes([...document.definitions]), { validate: false, operationName: 'Q' }),
    ).not.toBe(base);
    expect(built.count).toBe(5);
  });
});

test('it is installed over the @apollo/gateway it was checked against, and Apollo then runs the compiled walk', async () => {
  const gatewayPackage = JSON.parse(readFileSync('node_modules/@apollo/gateway/package.json', 'utf8')) as {
    version: string;
  };
  expect(gatewayPackage.version).toBe(CHECKED_GATEWAY_VERSION);
  expect(installCompiledResultShaping(createLogger({ logLevel: 'silent' }, 'router'))).toBe(true);
  const resultShaping = (await import('@apollo/gateway/dist/resultShaping.js')).default as {
    computeResponse: ComputeResponse;
  };
  expect(resultShaping.computeResponse).not.toBe(apollo);
  const operation = operationOf(abstractSchema, `{ me { id } }`);
  const input = { me: { id: '1', extra: 'dropped' } };
  expect(
    JSON.stringify(resultShaping.computeResponse({ operation, input, introspectionHandling: () => null }).data),
  ).toBe('{"me":{"id":"1"}}');
});
