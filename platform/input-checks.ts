/**
 * The edge's rules for every input, applied by the router before anything
 * is planned or sent to a subgraph (HTTP and graphql-ws alike), so each rule
 * lives here once instead of in every resolver:
 *
 * - no text input contains the NUL character (U+0000): PostgreSQL cannot
 *   store it in `text`, so it would fail deep inside a subgraph;
 * - every literal of one of the bank's scalars (`Decimal`, `DateTime`) is
 *   parsed by that scalar (platform/scalars.ts), so `amount: 1e309` is
 *   refused as the bad input it is instead of reaching the query planner;
 *   variables of those scalars are parsed by the same scalars
 *   ({@link useBankScalarInputs}).
 *
 * Every refusal is BAD_USER_INPUT naming the input at fault in `field` the
 * way the subgraphs name it ({@link fieldName}), so a client maps an error to
 * its form the same whichever layer refused it.
 */
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isScalarType,
  Kind,
  type ASTNode,
  type ASTVisitor,
  type GraphQLSchema,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { BadUserInputError, ErrorCode } from './errors.ts';
import { scalarResolvers } from './scalars.ts';

const NUL = '\u0000';
const NUL_MESSAGE = 'Text must not contain the NUL character (U+0000).';

/** The bank's scalars by name (a Map: a type named `constructor` finds nothing). */
const BANK_SCALARS = new Map(Object.entries(scalarResolvers));

/**
 * The subgraphs' name of a value at `path` (an argument or variable name,
 * then object fields and list indexes): inside an input object, the path
 * within it (`input.documents.1.fileName` is `documents.1.fileName`, as
 * `parseInput` names it); otherwise the argument or variable itself
 * (`amount`, `tags.1`).
 */
export function fieldName(path: readonly (string | number)[]): string {
  const [, first] = path;
  return (typeof first === 'string' ? path.slice(1) : path).join('.');
}

function refusal(message: string, path: readonly (string | number)[], node: ASTNode): GraphQLError {
  return new GraphQLError(message, {
    nodes: node,
    extensions: { code: ErrorCode.BAD_USER_INPUT, field: fieldName(path) },
  });
}

/**
 * Validation rule: string literals without NUL, and literals of the bank's
 * scalars valid for them, each refusal naming the argument path
 * (`input.amount`, `ids.2`). Runs with graphql's own rules, over the API
 * schema whose scalars accept any literal (the gateway's), so each bad
 * literal is reported once, here.
 */
export function InputLiteralsRule(context: ValidationContext): ASTVisitor {
  const path: (string | number)[] = [];
  /** Is `node` an item of a list literal? Then its index is a path segment. */
  const listItem = (parent: unknown, ancestors: readonly unknown[]) =>
    Array.isArray(parent) && (ancestors.at(-1) as ASTNode | undefined)?.kind === Kind.LIST;
  const segment = (node: ASTNode, key: string | number | undefined, parent: unknown, ancestors: readonly unknown[]) => {
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) return node.name.value;
    return typeof key === 'number' && listItem(parent, ancestors) ? key : undefined;
  };
  return {
    enter(node, key, parent, _path, ancestors) {
      const name = segment(node, key, parent, ancestors);
      if (name !== undefined) path.push(name);
      if (node.kind === Kind.STRING && node.value.includes(NUL)) {
        context.reportError(refusal(NUL_MESSAGE, path, node));
        return;
      }
      if (!checkScalarLiteral(context, node, path)) {
        // Refused as a whole: what is inside is not looked at (nor reported again). No leave() follows a skip.
        if (name !== undefined) path.pop();
        return false;
      }
    },
    leave(node, key, parent, _path, ancestors) {
      if (segment(node, key, parent, ancestors) !== undefined) path.pop();
    },
  };
}

/** Checks a literal at a position of one of the bank's scalars; false when it was refused. */
function checkScalarLiteral(context: ValidationContext, node: ASTNode, path: readonly (string | number)[]): boolean {
  if (!isValueNode(node) || node.kind === Kind.VARIABLE || node.kind === Kind.NULL) return true;
  const type = context.getInputType();
  if (!type) return true;
  // A list literal at a list position is checked item by item.
  if (node.kind === Kind.LIST && isListType(getNullableType(type))) return true;
  const named = getNamedType(type);
  const scalar = isScalarType(named) ? BANK_SCALARS.get(named.name) : undefined;
  if (!scalar) return true;
  try {
    scalar.parseLiteral(node, undefined);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : `Invalid ${named.name}.`;
    context.reportError(refusal(message, path, node));
    return false;
  }
}

const VALUE_KINDS: ReadonlySet<string> = new Set([
  Kind.VARIABLE,
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
]);

function isValueNode(node: ASTNode): node is ValueNode {
  return VALUE_KINDS.has(node.kind);
}

/**
 * Checks the text of an operation's variables, keys included: BAD_USER_INPUT
 * naming the first value with a NUL ({@link fieldName}: `nickname` in
 * `$input`). Walks without recursion, so no nesting depth can overflow the
 * stack.
 */
export function checkVariableText(variables: Record<string, unknown> | null | undefined): void {
  if (!variables) return;
  // Each value with its parent and its segment: the path is only worked out for the one refused.
  interface Visit {
    value: unknown;
    parent: Visit | undefined;
    segment: string | number;
  }
  const pathOf = (visit: Visit): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let at: Visit | undefined = visit; at; at = at.parent) path.push(at.segment);
    return path.reverse();
  };
  const refuse = (visit: Visit): never => {
    throw new BadUserInputError(NUL_MESSAGE, fieldName(pathOf(visit)));
  };
  const pending: Visit[] = [];
  const enqueue = (value: unknown, parent: Visit | undefined, segment: string | number) => {
    const visit = { value, parent, segment };
    if (typeof segment === 'string' && segment.includes(NUL)) refuse(visit);
    pending.push(visit);
  };
  for (const [name, value] of Object.entries(variables)) enqueue(value, undefined, name);
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes(NUL)) refuse(visit);
    } else if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) enqueue(value[index], visit, index);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) enqueue(item, visit, key);
    }
  }
}

/**
 * Makes the bank's scalars of `schema` (the gateway's API schema, whose
 * custom scalars accept anything) parse variable values as the subgraphs
 * do, so a variable the subgraph would refuse (`1e309`, which JSON.parse
 * turns into Infinity and JSON.stringify into null) is refused at the edge
 * before the raw variables are forwarded. Literals are left to
 * {@link InputLiteralsRule}, which names the argument at fault.
 *
 * The gateway builds its schema from the supergraph and takes no scalar
 * implementations, hence the change in place.
 */
export function useBankScalarInputs(schema: GraphQLSchema): void {
  for (const [name, implementation] of BANK_SCALARS) {
    const type = schema.getType(name);
    if (type && isScalarType(type)) type.parseValue = implementation.parseValue;
  }
}
