/**
 * Limits on the operations the router runs (HTTP and graphql-ws alike), so
 * one request cannot make the router and the subgraphs do unbounded work:
 *
 * - tokens: the parser stops past `maxTokens` (graphql's own `maxTokens`);
 * - depth, aliases, directives: graphql-armor's validation rules;
 * - cost: the most values an operation can return (below).
 *
 * Every refusal is QUERY_TOO_COMPLEX, naming the limit and its value, and is
 * decided before anything runs.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError } from 'graphql';
import {
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  getArgumentValues,
  getVariableValues,
  Kind,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { BankError, ErrorCode } from '../../platform/errors.ts';

export interface OperationLimits {
  /** Lexical tokens in the document. */
  maxTokens: number;
  /** Nesting of fields (fragments count as a level, as written). */
  maxDepth: number;
  /** Aliased fields (other than `__typename`). */
  maxAliases: number;
  /** Directives in the document. */
  maxDirectives: number;
  /** See {@link operationCost}. */
  maxCost: number;
}

/** Page-size arguments: a field with one returns up to that many of what it selects. */
const PAGE_ARGUMENTS = new Set(['first', 'last']);

/**
 * The most values an operation can return: every field counts one, and under
 * a paged field (`first`/`last`: the value sent, else the argument's default)
 * what it selects counts that many times. Lists without a page size (an
 * account list, a loan's installments) count once. Introspection is free.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const variableValues = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const coerced = variableValues.coerced ?? {};

  // A fragment costs the same wherever it is spread: worked out once, so a
  // document that spreads fragments into fragments many times over is costed
  // in time linear in its size.
  const fragmentCosts = new Map<string, number>();
  const fragmentCost = (name: string, type: GraphQLNamedType): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // A fragment spread inside itself is refused by validation; here it counts nothing.
    fragmentCosts.set(name, 0);
    const cost = fragment
      ? costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? type)
      : 0;
    fragmentCosts.set(name, cost);
    return cost;
  };

  const costOf = (selectionSet: SelectionSetNode, type: GraphQLNamedType): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        cost += costOf(selection.selectionSet, on ?? type);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        cost += fragmentCost(selection.name.value, type);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
      if (!field) continue;
      let pageSize = 1;
      if (field.args.some((a) => PAGE_ARGUMENTS.has(a.name))) {
        // The arguments as execution will see them (variables and defaults applied); ill-typed ones fail there.
        let values: Record<string, unknown> = {};
        try {
          values = getArgumentValues(field, selection, coerced);
        } catch {
          // Counted as one: the operation will not run.
        }
        for (const name of PAGE_ARGUMENTS) {
          const value = values[name];
          if (typeof value === 'number' && Number.isFinite(value)) pageSize = Math.max(pageSize, value);
        }
      }
      const under = selection.selectionSet ? costOf(selection.selectionSet, getNamedType(field.type)) : 0;
      cost += 1 + pageSize * under;
    }
    return cost;
  };
  return costOf(operation.selectionSet, root);
}

/**
 * Brackets (`()`, `[]`, `{}`) nested in one another in a document, at most.
 * Checked on the text before it is parsed: graphql's parser and validation
 * rules recurse on nesting, so a document of a few thousand `[` would
 * exhaust their stack. No legitimate operation comes near (a field depth of
 * 12 is a dozen braces; input literals add a few levels).
 */
export const MAX_NESTING = 64;

/**
 * The deepest nesting of brackets in a GraphQL document's text, outside
 * strings, block strings and comments. One pass, no recursion.
 */
export function textNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === 0x22 /* " */) {
      if (text.startsWith('"""', i)) {
        i += 3;
        while (i < text.length && !text.startsWith('"""', i)) i += text.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        i++;
        while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      }
    } else if (c === 0x28 || c === 0x5b || c === 0x7b /* ( [ { */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x29 || c === 0x5d || c === 0x7d /* ) ] } */) {
      depth--;
    }
  }
  return deepest;
}

/** Refuses a document nested deeper than {@link MAX_NESTING} (before it is parsed). */
export function checkNesting(text: string): void {
  const found = textNesting(text);
  if (found > MAX_NESTING) throw new QueryTooComplexError('nesting', MAX_NESTING, found);
}

/** A limit that refused an operation. */
export class QueryTooComplexError extends BankError {
  constructor(limit: string, max: number, found?: number) {
    super(
      ErrorCode.QUERY_TOO_COMPLEX,
      `The operation is over the ${limit} limit of ${max}${found === undefined ? '' : ` (it has ${found})`}.`,
      { limit, max, ...(found === undefined ? {} : { found }) },
    );
  }
}

/**
 * Checks operations against every limit but tokens (the parser's), throwing
 * {@link QueryTooComplexError}.
 * Structural checks are remembered per document (the router caches parsed
 * documents); cost depends on the variables and is worked out each time.
 */
export function operationLimits(limits: OperationLimits) {
  const refusal = new WeakMap<DocumentNode, QueryTooComplexError | null>();
  const report = (limit: string, max: number) => (context: ValidationContext | null, error: GraphQLError) => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    context?.reportError(new QueryTooComplexError(limit, max, found === undefined ? undefined : Number(found)));
  };
  const rules = [
    maxDepthRule({ n: limits.maxDepth, propagateOnRejection: false, onReject: [report('depth', limits.maxDepth)] }),
    maxAliasesRule({
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: [report('aliases', limits.maxAliases)],
    }),
    maxDirectivesRule({
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [report('directives', limits.maxDirectives)],
    }),
  ];
  const structural = (schema: GraphQLSchema, document: DocumentNode): QueryTooComplexError | null => {
    let known = refusal.get(document);
    if (known === undefined) {
      const [first] = validate(schema, document, rules);
      known = first instanceof QueryTooComplexError ? first : null;
      refusal.set(document, known);
    }
    return known;
  };
  return {
    /** Throws {@link QueryTooComplexError} when the operation (of a document valid over `schema`) is over a limit. */
    check(
      schema: GraphQLSchema,
      document: DocumentNode,
      operationName: string | null | undefined,
      variables?: Record<string, unknown>,
    ): void {
      const refused = structural(schema, document);
      if (refused) throw refused;
      const cost = operationCost(schema, document, operationName, variables);
      if (cost > limits.maxCost) throw new QueryTooComplexError('cost', limits.maxCost, cost);
    },
  };
}

// (graphql 16 spells it "more that".)
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] (\d+) tokens/;

/**
 * graphql's parser refuses a document over `maxTokens` with a syntax error:
 * it is answered as the limit it is (QUERY_TOO_COMPLEX) rather than as a
 * malformed document.
 */
export function tokenLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const max = TOO_MANY_TOKENS.exec(formatted.message)?.[1];
  if (max === undefined) return formatted;
  const error = new QueryTooComplexError('tokens', Number(max));
  return { message: error.message, extensions: { ...error.extensions } };
}

export type OperationLimitsChecker = ReturnType<typeof operationLimits>;
