/**
 * The last step of every query the router runs: @apollo/gateway merges the
 * subgraphs' answers into one object, then `computeResponse`
 * (@apollo/gateway/dist/resultShaping.js) walks the client's operation over
 * it to keep only the fields the client asked for, in its order, under its
 * aliases, with `@skip`/`@include` applied, and checks every value against
 * the schema. It interprets the operation afresh for each object: for every
 * field of every transaction in a dashboard it looks up the field's
 * directives, response name, type and leaf checks in the schema again. In a
 * CPU profile of the router under the dashboard load, that walk and the
 * operation it rebuilds from the document for each request
 * (`operationFromDocument`) were 16% of the samples.
 *
 * This module puts two things in place of those, at the router's start:
 *
 * - the operation is built once per document and schema (the document's
 *   definitions are Apollo Server's cached AST, so the same objects come back
 *   for the same query) instead of once per request;
 * - the walk runs from a plan compiled once per operation: each selection's
 *   response name, its conditions, its type unwrapped into a chain of steps,
 *   each leaf's check, each fragment's type condition answered once per
 *   `__typename`.
 *
 * The compiled walk handles answers that are well formed. At the first thing
 * that would make Apollo's walk report an error or throw (a null where the
 * schema says non-null, a value of the wrong kind, an unknown `__typename`,
 * a condition's variable that is not a boolean), and at a few odd shapes
 * Apollo's accepts (a list where an object belongs), it gives up, and
 * Apollo's own `computeResponse` runs on the same input, so errors and their
 * messages are Apollo's. Operations that select introspection fields always go to
 * Apollo's. Neither function changes its input, so running Apollo's after a
 * give-up is safe.
 *
 * Both replacements are installed only over the version of @apollo/gateway
 * they were checked against (`CHECKED_GATEWAY_VERSION`); over any other the
 * router keeps Apollo's and says so in its log. test/result-shaping.test.ts
 * compares the two walks on the supergraph's operations and on generated
 * answers, well formed and not.
 */
import { createRequire } from 'node:module';
import federation, {
  type CompositeType,
  type EnumType,
  type FieldSelection,
  type NamedType,
  type Operation,
  type ScalarType,
  type Schema,
  type Selection,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { DefinitionNode, DocumentNode, GraphQLError } from 'graphql';
import type { Logger } from '../../platform/logger.ts';

/** The @apollo/gateway (and @apollo/federation-internals) version whose walk this one was checked against. */
export const CHECKED_GATEWAY_VERSION = '2.14.4';

interface ComputeResponseArgs {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: FieldSelection) => unknown;
}

interface ComputedResponse {
  data: Record<string, unknown> | null | undefined;
  errors: GraphQLError[];
}

export type ComputeResponse = (args: ComputeResponseArgs) => ComputedResponse;

type OperationFromDocument = (
  schema: Schema,
  document: DocumentNode,
  options?: { operationName?: string; validate?: boolean },
) => Operation;

/** What the compiled walk returns where Apollo's would report an error or throw. */
const GIVE_UP: unique symbol = Symbol('give up');
type GiveUp = typeof GIVE_UP;

/** A directive's `if`: a literal, or the name of a variable. */
type IfArgument = boolean | string;

interface Condition {
  skip: IfArgument | undefined;
  include: IfArgument | undefined;
}

type TypeStep =
  | { kind: 'nonNull'; of: TypeStep }
  | { kind: 'list'; of: TypeStep }
  | { kind: 'composite'; type: CompositeType }
  | { kind: 'leaf'; valid: (value: unknown) => boolean };

interface FieldStep {
  field: true;
  condition: Condition | undefined;
  responseName: string;
  isTypename: boolean;
  type: TypeStep;
  selections: Step[] | undefined;
}

interface FragmentStep {
  field: false;
  condition: Condition | undefined;
  typeCondition: CompositeType | undefined;
  selections: Step[];
  /** Whether the type condition applies, by the object's `__typename`, then by the parent type when it has none. */
  byTypename: Map<string, boolean>;
  byParentType: Map<NamedType, boolean>;
}

type Step = FieldStep | FragmentStep;

interface OperationPlan {
  schema: Schema;
  rootType: CompositeType;
  selections: Step[];
  /** The operation's variables with a default value (null-prototype), when it has conditions to evaluate. */
  defaults: Record<string, unknown> | undefined;
}

/** Thrown while compiling an operation the compiled walk leaves to Apollo's (introspection fields, an odd `if`). */
class LeftToApollo extends Error {}

const {
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  Variable,
} = federation;
const hasOwn = Object.prototype.hasOwnProperty;
/** The variables of an operation without conditions: never read. */
const NO_VARIABLES: Record<string, unknown> = Object.freeze({});

function ifArgument(value: unknown): IfArgument {
  if (value instanceof Variable) return value.name;
  if (typeof value === 'boolean') return value;
  throw new LeftToApollo(`a condition's "if" of ${String(value)}`);
}

function conditionOf(selection: Selection, schema: Schema): Condition | undefined {
  const skip = selection.element.appliedDirectivesOf(schema.skipDirective())[0];
  const include = selection.element.appliedDirectivesOf(schema.includeDirective())[0];
  if (skip === undefined && include === undefined) return undefined;
  return {
    skip: skip === undefined ? undefined : ifArgument(skip.arguments().if),
    include: include === undefined ? undefined : ifArgument(include.arguments().if),
  };
}

function leafCheck(schema: Schema, type: ScalarType | EnumType): (value: unknown) => boolean {
  const exact = (value: unknown): boolean => isValidLeafValue(schema, value, type);
  if (isCustomScalarType(type)) return () => true;
  // The common answers accepted without Apollo's chain of type comparisons;
  // anything else gets Apollo's check itself.
  if (type === schema.stringType() || type === schema.idType()) {
    return (value) => typeof value === 'string' || exact(value);
  }
  if (type === schema.booleanType()) return (value) => typeof value === 'boolean' || exact(value);
  if (isEnumType(type)) {
    const names = new Set(type.values.map((value) => value.name));
    return (value) => (typeof value === 'string' && names.has(value)) || exact(value);
  }
  return exact;
}

function typeStepOf(schema: Schema, type: Type): TypeStep {
  if (isNonNullType(type)) return { kind: 'nonNull', of: typeStepOf(schema, type.ofType) };
  if (isListType(type)) return { kind: 'list', of: typeStepOf(schema, type.ofType) };
  if (isCompositeType(type)) return { kind: 'composite', type };
  return { kind: 'leaf', valid: leafCheck(schema, type as ScalarType | EnumType) };
}

function compileSelections(selectionSet: SelectionSet, schema: Schema, compiled: Map<SelectionSet, Step[]>): Step[] {
  const known = compiled.get(selectionSet);
  if (known !== undefined) return known;
  const steps: Step[] = [];
  compiled.set(selectionSet, steps);
  for (const selection of selectionSet.selections()) {
    const condition = conditionOf(selection, schema);
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      if (field.definition.isSchemaIntrospectionField()) throw new LeftToApollo('introspection');
      steps.push({
        field: true,
        condition,
        responseName: field.responseName(),
        isTypename: field.name === federation.typenameFieldName,
        type: typeStepOf(schema, field.definition.type!),
        selections:
          selection.selectionSet === undefined
            ? undefined
            : compileSelections(selection.selectionSet, schema, compiled),
      });
    } else {
      steps.push({
        field: false,
        condition,
        typeCondition: selection.element.typeCondition,
        selections: compileSelections(selection.selectionSet, schema, compiled),
        byTypename: new Map(),
        byParentType: new Map(),
      });
    }
  }
  return steps;
}

function hasConditions(steps: Step[], seen = new Set<Step[]>()): boolean {
  if (seen.has(steps)) return false;
  seen.add(steps);
  return steps.some(
    (step) => step.condition !== undefined || (step.selections !== undefined && hasConditions(step.selections, seen)),
  );
}

/** The operation's plan, or undefined when the compiled walk leaves it to Apollo's. */
export function compileOperation(operation: Operation): OperationPlan | undefined {
  const schema = operation.schema();
  try {
    const selections = compileSelections(operation.selectionSet, schema, new Map());
    const rootType = schema.schemaDefinition.rootType(operation.rootKind);
    if (rootType === undefined) return undefined;
    return {
      schema,
      rootType,
      selections,
      defaults: hasConditions(selections) ? operation.collectDefaultedVariableValues() : undefined,
    };
  } catch (error) {
    if (error instanceof LeftToApollo) return undefined;
    throw error;
  }
}

/** Whether a step's conditions leave it out: Apollo's `shouldSkip`, with a give-up where Apollo's assertion throws. */
function skipped(condition: Condition, variables: Record<string, unknown>): boolean | GiveUp {
  if (condition.skip !== undefined) {
    const value = typeof condition.skip === 'boolean' ? condition.skip : variables[condition.skip];
    if (typeof value !== 'boolean') return GIVE_UP;
    if (value) return true;
  }
  if (condition.include !== undefined) {
    const value = typeof condition.include === 'boolean' ? condition.include : variables[condition.include];
    if (typeof value !== 'boolean') return GIVE_UP;
    if (!value) return true;
  }
  return false;
}

function fragmentApplies(step: FragmentStep, schema: Schema, typename: unknown, parentType: CompositeType): boolean {
  const condition = step.typeCondition;
  if (condition === undefined) return true;
  if (typename) {
    const known = step.byTypename.get(typename as string);
    if (known !== undefined) return known;
    const type = schema.type(typename as string);
    if (type === undefined) return false;
    // Kept for the schema's own types only, so the map stays as small as the schema.
    const applies = isSubtype(condition, type);
    step.byTypename.set(typename as string, applies);
    return applies;
  }
  let applies = step.byParentType.get(parentType);
  if (applies === undefined) {
    applies = isSubtype(condition, parentType);
    step.byParentType.set(parentType, applies);
  }
  return applies;
}

interface Walk {
  schema: Schema;
  variables: Record<string, unknown>;
}

/** Apollo's `applySelectionSet`, compiled: false where Apollo's would bubble a null up or throw. */
function applySteps(
  walk: Walk,
  steps: Step[],
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  parentType: CompositeType,
): boolean {
  for (const step of steps) {
    if (step.condition !== undefined) {
      const skip = skipped(step.condition, walk.variables);
      if (skip === GIVE_UP) return false;
      if (skip) continue;
    }
    if (step.field) {
      const name = step.responseName;
      const outputValue = output[name];
      let inputValue = (hasOwn.call(input, name) ? input[name] : undefined) ?? null;
      if (step.isTypename) {
        if (outputValue === undefined) {
          if (inputValue === null && name !== federation.typenameFieldName) {
            inputValue = input[federation.typenameFieldName] ?? null;
          }
          const type = typeof inputValue === 'string' ? (walk.schema.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return false;
          output[name] = type.name;
        }
        continue;
      }
      const updated = updateValue(walk, outputValue, step.type, inputValue, step.selections);
      if (updated === GIVE_UP) return false;
      output[name] = updated;
    } else {
      const typename = input[federation.typenameFieldName];
      if (typename && typeof typename !== 'string') return false;
      if (fragmentApplies(step, walk.schema, typename, parentType)) {
        if (!applySteps(walk, step.selections, input, output, step.typeCondition ?? parentType)) return false;
      }
    }
  }
  return true;
}

/** Apollo's `updateOutputValue`, compiled: the value, or a give-up where Apollo's would report an error or throw. */
function updateValue(
  walk: Walk,
  outputValue: unknown,
  type: TypeStep,
  inputValue: unknown,
  selections: Step[] | undefined,
): unknown {
  if (inputValue === undefined) return GIVE_UP;
  if (outputValue === null || (outputValue !== undefined && selections === undefined)) return outputValue;
  switch (type.kind) {
    case 'nonNull': {
      const updated = updateValue(walk, outputValue, type.of, inputValue, selections);
      return updated === null ? GIVE_UP : updated;
    }
    case 'list': {
      if (inputValue === null) return null;
      if (!Array.isArray(inputValue)) return GIVE_UP;
      if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== inputValue.length)) {
        return GIVE_UP;
      }
      const outputList = outputValue as unknown[] | undefined;
      const updated = new Array<unknown>(inputValue.length);
      for (let index = 0; index < inputValue.length; index++) {
        const element = updateValue(walk, outputList?.[index], type.of, inputValue[index], selections);
        if (element === GIVE_UP) return GIVE_UP;
        updated[index] = element;
      }
      return updated;
    }
    case 'composite': {
      if (inputValue === null) return null;
      if (selections === undefined || typeof inputValue !== 'object' || Array.isArray(inputValue)) return GIVE_UP;
      if (outputValue !== undefined && typeof outputValue !== 'object') return GIVE_UP;
      const object = inputValue as Record<string, unknown>;
      const typename = object[federation.typenameFieldName];
      let objectType = type.type;
      if (typename !== undefined) {
        if (typeof typename !== 'string') return GIVE_UP;
        if (typename) {
          const named = walk.schema.type(typename);
          if (named === undefined || !isCompositeType(named)) return GIVE_UP;
          objectType = named;
        }
      }
      const output = (outputValue as Record<string, unknown> | undefined) ?? Object.create(null);
      return applySteps(walk, selections, object, output, objectType) ? output : GIVE_UP;
    }
    case 'leaf':
      if (inputValue === null) return null;
      if (outputValue !== undefined) return GIVE_UP;
      return type.valid(inputValue) ? inputValue : GIVE_UP;
  }
}

/**
 * The compiled walk of one answer: Apollo's result for a well-formed answer,
 * or undefined where Apollo's must run instead.
 */
export function shapeResponse(
  plan: OperationPlan,
  variables: Record<string, unknown> | undefined,
  input: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const walk: Walk = {
    schema: plan.schema,
    variables: plan.defaults === undefined ? NO_VARIABLES : { __proto__: null, ...plan.defaults, ...variables },
  };
  const data = Object.create(null) as Record<string, unknown>;
  return applySteps(walk, plan.selections, input, data, plan.rootType) ? data : undefined;
}

/** `computeResponse` with the compiled walk in front of Apollo's. */
export function compiledComputeResponse(apollo: ComputeResponse): ComputeResponse {
  const plans = new WeakMap<Operation, OperationPlan | null>();
  return (args) => {
    const { operation, input } = args;
    if (!input) return apollo(args);
    let plan = plans.get(operation);
    if (plan === undefined) {
      plan = compileOperation(operation) ?? null;
      plans.set(operation, plan);
    }
    const data = plan === null ? undefined : shapeResponse(plan, args.variables, input);
    return data === undefined ? apollo(args) : { data, errors: [] };
  };
}

/**
 * `operationFromDocument` that returns the same operation for the same schema
 * and definitions, when called as @apollo/gateway's `executeQueryPlan` calls
 * it (validation off, no operation name). The operation is read, never
 * changed, by everything that receives it there.
 */
export function memoizedOperationFromDocument(build: OperationFromDocument): OperationFromDocument {
  const bySchema = new WeakMap<
    Schema,
    WeakMap<DefinitionNode, { definitions: DefinitionNode[]; operation: Operation }>
  >();
  return (schema, document, options) => {
    const first = document.definitions[0];
    if (first === undefined || options?.validate !== false || options.operationName !== undefined) {
      return build(schema, document, options);
    }
    let byDefinition = bySchema.get(schema);
    const known = byDefinition?.get(first);
    if (
      known !== undefined &&
      known.definitions.length === document.definitions.length &&
      known.definitions.every((definition, index) => definition === document.definitions[index])
    ) {
      return known.operation;
    }
    const operation = build(schema, document, options);
    if (byDefinition === undefined) {
      byDefinition = new WeakMap();
      bySchema.set(schema, byDefinition);
    }
    byDefinition.set(first, { definitions: [...document.definitions], operation });
    return operation;
  };
}

interface ResultShapingModule {
  computeResponse: ComputeResponse;
}

interface OperationsModule {
  operationFromDocument: OperationFromDocument;
}

let installed = false;

/**
 * Puts the compiled walk and the operation built once per document in place
 * of @apollo/gateway's, once per process; over another version of
 * @apollo/gateway than the one they were checked against, leaves Apollo's
 * and says so. Returns whether they are in place.
 */
export function installCompiledResultShaping(logger: Logger): boolean {
  if (installed) return true;
  const packages = createRequire(import.meta.url);
  const versions = ['@apollo/gateway', '@apollo/federation-internals'].map(
    (name) => (packages(`${name}/package.json`) as { version: string }).version,
  );
  if (versions.some((version) => version !== CHECKED_GATEWAY_VERSION)) {
    logger.warn(
      { versions, checked: CHECKED_GATEWAY_VERSION },
      "result shaping: @apollo/gateway's own walk kept, the compiled one was checked against another version",
    );
    return false;
  }
  const resultShaping = packages('@apollo/gateway/dist/resultShaping.js') as ResultShapingModule;
  const operations = packages('@apollo/federation-internals/dist/operations.js') as OperationsModule;
  resultShaping.computeResponse = compiledComputeResponse(resultShaping.computeResponse);
  operations.operationFromDocument = memoizedOperationFromDocument(operations.operationFromDocument);
  installed = true;
  return true;
}
