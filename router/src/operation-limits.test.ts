/**
 * The router's operation limits over a small schema: what an operation costs
 * (page sizes from literals, variables and defaults; fragments; introspection
 * free) and which limit refuses it, with QUERY_TOO_COMPLEX.
 */
import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import {
  checkNesting,
  MAX_NESTING,
  operationCost,
  operationLimits,
  QueryTooComplexError,
  textNesting,
  tokenLimitError,
} from './operation-limits.ts';

const schema = buildSchema(`
  type Query { me: User, node(id: ID!): Node }
  interface Node { id: ID! }
  type User implements Node {
    id: ID!
    name: String!
    accounts: [Account!]!
    friends(first: Int = 20, after: String): UserConnection!
  }
  type Account implements Node {
    id: ID!
    owner: User!
    transactions(first: Int = 10, last: Int): TransactionConnection!
  }
  type UserConnection { edges: [UserEdge!]! }
  type UserEdge { node: User! }
  type TransactionConnection { edges: [TransactionEdge!]! }
  type TransactionEdge { node: Transaction! }
  type Transaction { id: ID! amount: String! }
`);

const cost = (query: string, variables?: Record<string, unknown>, operationName?: string): number => {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  return operationCost(schema, document, operationName, variables);
};

describe('operationCost', () => {
  test('every field counts one; a list without a page size counts what it selects once', () => {
    expect(cost('{ me { id name } }')).toBe(3);
    expect(cost('{ me { accounts { id } } }')).toBe(3);
  });

  test('under a paged field, what it selects counts as many times as the page size sent', () => {
    // transactions: 1 + 5 × (edges: 1 + node: (1 + id + amount)) = 1 + 5 × 4
    expect(cost('{ me { accounts { transactions(first: 5) { edges { node { id amount } } } } } }')).toBe(1 + 1 + 21);
    expect(cost('{ me { accounts { transactions(last: 50) { edges { node { id } } } } } }')).toBe(2 + 1 + 50 * 3);
  });

  test('a page size from a variable counts its value; without one, its default in the operation or the schema', () => {
    const query = 'query($n: Int) { me { friends(first: $n) { edges { node { id } } } } }';
    expect(cost(query, { n: 100 })).toBe(2 + 100 * 3);
    expect(cost(query, { n: 2 })).toBe(2 + 2 * 3);
    expect(cost(query, {})).toBe(2 + 20 * 3);
    expect(cost('query($n: Int = 7) { me { friends(first: $n) { edges { node { id } } } } }', {})).toBe(2 + 7 * 3);
    expect(cost('{ me { friends { edges { node { id } } } } }')).toBe(2 + 20 * 3);
  });

  test('nested pages multiply', () => {
    const query = `query($a: Int, $b: Int) {
      me { friends(first: $a) { edges { node { accounts { transactions(first: $b) { edges { node { id } } } } } } } }
    }`;
    // inner transactions: 1 + b × 3; node: 1 + accounts (1 + inner); friends: 1 + a × (edges 1 + node)
    const expected = (a: number, b: number) => 1 + 1 + a * (1 + 1 + 1 + (1 + b * 3));
    expect(cost(query, { a: 10, b: 10 })).toBe(expected(10, 10));
    expect(cost(query, { a: 100, b: 100 })).toBe(expected(100, 100));
  });

  test('fragments (named and inline) count where they are spread; introspection and __typename are free', () => {
    const named = cost(`
      { me { ...Mine } }
      fragment Mine on User { id friends(first: 3) { edges { node { __typename name } } } }
    `);
    // me: 1 + (id 1 + friends: 1 + 3 × (edges 1 + node: 1 + name 1))
    expect(named).toBe(1 + 1 + 1 + 3 * 3);
    expect(cost('{ node(id: "1") { id ... on Account { transactions(first: 4) { edges { node { id } } } } } }')).toBe(
      1 + 1 + 1 + 4 * 3,
    );
    expect(cost(getIntrospectionQuery())).toBe(0);
  });

  test('fragments spread into fragments many times over are costed once each (no exponential walk)', () => {
    // Ten levels of fragments, each spreading the next ten times: 10^10 paths to the bottom field.
    const levels = 10;
    const fragments = Array.from({ length: levels }, (_, i) => {
      const body = i === levels - 1 ? 'me { id }' : Array.from({ length: 10 }, () => `...F${i + 1}`).join(' ');
      return `fragment F${i} on Query { ${body} }`;
    }).join('\n');
    const document = parse(`{ ...F0 }\n${fragments}`);
    expect(validate(schema, document)).toEqual([]);
    expect(operationCost(schema, document, undefined)).toBe(2 * 10 ** 9);
  });

  test('the operation named is the one counted', () => {
    const document = 'query A { me { id } } query B { me { id name accounts { id } } }';
    expect(cost(document, {}, 'A')).toBe(2);
    expect(cost(document, {}, 'B')).toBe(5);
  });
});

describe('operationLimits', () => {
  const limits = operationLimits({ maxTokens: 1000, maxDepth: 5, maxAliases: 2, maxDirectives: 2, maxCost: 100 });
  const refusal = (query: string, variables: Record<string, unknown> = {}): Record<string, unknown> | null => {
    const document = parse(query);
    expect(validate(schema, document)).toEqual([]);
    try {
      limits.check(schema, document, undefined, variables);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(QueryTooComplexError);
      const { extensions, message } = error as QueryTooComplexError;
      expect(message).toMatch(/^The operation is over the \w+ limit of \d+/);
      return extensions;
    }
  };

  test('within every limit: accepted', () => {
    expect(refusal('{ me { a: id b: name accounts { owner { id } } } }')).toBeNull();
    expect(refusal(getIntrospectionQuery())).toBeNull();
  });

  test('too deep', () => {
    expect(refusal('{ me { accounts { owner { accounts { owner { id } } } } } }')).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'depth',
      max: 5,
      found: 6,
    });
  });

  test('too many aliases (__typename aliases are free)', () => {
    expect(refusal('{ me { a: id b: id c: id } }')).toMatchObject({ limit: 'aliases', max: 2, found: 3 });
    expect(refusal('{ me { a: __typename b: __typename c: __typename id } }')).toBeNull();
  });

  test('too many directives', () => {
    expect(
      refusal('{ me { id @include(if: true) name @skip(if: false) accounts @include(if: true) { id } } }'),
    ).toMatchObject({
      limit: 'directives',
      max: 2,
    });
  });

  test('too costly for the variables sent, fine for smaller ones', () => {
    const query = 'query($n: Int) { me { friends(first: $n) { edges { node { id } } } } }';
    expect(refusal(query, { n: 33 })).toMatchObject({ limit: 'cost', max: 100, found: 101 });
    expect(refusal(query, { n: 32 })).toBeNull();
    // Without the variable: the schema's default page (20).
    expect(refusal(query)).toBeNull();
  });

  test('the refusal of a document is remembered, and the same for each check', () => {
    const document = parse('{ me { accounts { owner { accounts { owner { id } } } } } }');
    expect(() => limits.check(schema, document, undefined)).toThrow(QueryTooComplexError);
    expect(() => limits.check(schema, document, undefined)).toThrow('depth limit of 5');
  });
});

describe('tokenLimitError', () => {
  test("the parser's token limit becomes QUERY_TOO_COMPLEX; other syntax errors stay as they are", () => {
    let message = '';
    try {
      parse('{ me { id name } }', { maxTokens: 4 });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(tokenLimitError({ message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } })).toEqual({
      message: 'The operation is over the tokens limit of 4.',
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 4 },
    });
    const other = { message: 'Syntax Error: Expected Name, found "}".', extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    expect(tokenLimitError(other)).toBe(other);
  });
});

describe('textNesting', () => {
  test.each([
    ['{ a }', 1],
    ['{ a { b(x: [1, [2]]) } }', 5],
    ['query($v: [[Int]]) { a(x: { y: [{ z: 1 }] }) }', 5],
    // Brackets in strings, block strings and comments do not count.
    ['{ a(s: "{{{[[[((( \\" {{{") }', 2],
    ['{ a(s: """{{{ \\""" [[[ """) }', 2],
    ['# {{{{{{\n{ a }', 1],
  ])('%s nests %d deep', (text, depth) => {
    expect(textNesting(text)).toBe(depth);
  });

  test('a deep literal is refused before anything parses it, in time linear in its size', () => {
    const deep = `{ a(x: ${'['.repeat(100_000)}1${']'.repeat(100_000)}) }`;
    expect(textNesting(deep)).toBe(100_002);
    expect(() => checkNesting(deep)).toThrow(QueryTooComplexError);
    expect(() => checkNesting(`{ a(x: ${'['.repeat(MAX_NESTING - 2)}1${']'.repeat(MAX_NESTING - 2)}) }`)).not.toThrow();
  });
});
