import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { BadUserInputError } from './errors.ts';
import { checkVariableText, fieldName, InputLiteralsRule } from './input-checks.ts';

const schema = buildSchema(`
  scalar Decimal
  scalar DateTime
  input Item { name: String, price: Decimal, tags: [String!] }
  input Order { items: [Item!]!, note: String, at: DateTime }
  type Query { quote(amount: Decimal!, when: DateTime): Int, order(input: Order!): Int, tag(tags: [String!]!): Int }
`);

function problems(query: string) {
  return validate(schema, parse(query), [...specifiedRules, InputLiteralsRule]).map((e) => ({
    code: e.extensions.code,
    field: e.extensions.field,
  }));
}

describe('fieldName', () => {
  test.each([
    [['amount'], 'amount'],
    [['input', 'note'], 'note'],
    [['input', 'items', 1, 'price'], 'items.1.price'],
    [['tags', 2], 'tags.2'],
    [['v'], 'v'],
  ] as const)('%j is %s', (path, name) => {
    expect(fieldName(path)).toBe(name);
  });
});

describe('InputLiteralsRule', () => {
  test('valid literals pass', () => {
    expect(problems(`{ quote(amount: "12.50", when: "2026-01-01T00:00:00Z") }`)).toEqual([]);
    expect(problems(`{ order(input: { items: [{ name: "a", price: "1.00" }] }) }`)).toEqual([]);
  });

  test.each(['1e309', '-1e309', '12.5', '12', 'true', '[1]', '{ a: 1 }', 'RED', '"1e3"', '"abc"'])(
    'a Decimal literal %s is BAD_USER_INPUT on the argument, once',
    (literal) => {
      expect(problems(`{ quote(amount: ${literal}) }`)).toEqual([{ code: 'BAD_USER_INPUT', field: 'amount' }]);
    },
  );

  test('in an input object and a list: the path within the input', () => {
    expect(problems(`{ order(input: { items: [{ name: "a" }, { name: "b", price: 1e999 }] }) }`)).toEqual([
      { code: 'BAD_USER_INPUT', field: 'items.1.price' },
    ]);
    expect(problems(`{ order(input: { items: [], at: "2026-02-30T00:00:00Z" }) }`)).toEqual([
      { code: 'BAD_USER_INPUT', field: 'at' },
    ]);
  });

  test('NUL in any string literal, block strings included', () => {
    expect(problems(`{ order(input: { items: [], note: "a\\u0000b" }) }`)).toEqual([
      { code: 'BAD_USER_INPUT', field: 'note' },
    ]);
    expect(problems(`{ tag(tags: ["ok", "x\\u0000"]) }`)).toEqual([{ code: 'BAD_USER_INPUT', field: 'tags.1' }]);
    expect(problems(`{ order(input: { items: [{ tags: ["\\u0000"] }] }) }`)).toEqual([
      { code: 'BAD_USER_INPUT', field: 'items.0.tags.0' },
    ]);
    expect(problems(`{ order(input: { items: [], note: """a\u0000""" }) }`)).toEqual([
      { code: 'BAD_USER_INPUT', field: 'note' },
    ]);
  });

  test('variables are left to the scalars and checkVariableText', () => {
    expect(problems(`query($a: Decimal!) { quote(amount: $a) }`)).toEqual([]);
  });
});

describe('checkVariableText', () => {
  const refusal = (variables: Record<string, unknown>) => {
    try {
      checkVariableText(variables);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(BadUserInputError);
      return (error as BadUserInputError).extensions.field;
    }
  };

  test('finds NUL in values and keys, deep down, naming the path', () => {
    expect(refusal({ a: 'fine', b: ['x', { c: 'also' }] })).toBeNull();
    expect(refusal({ v: 'a\u0000' })).toBe('v');
    expect(refusal({ input: { items: [{ name: 'ok' }, { name: '\u0000' }] } })).toBe('items.1.name');
    expect(refusal({ input: { ['k\u0000']: 1 } })).toBe('k\u0000');
  });

  test('a nesting deeper than the stack allows is walked without overflowing', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(refusal({ v: deep })).toMatch(/^v(\.0)+$/);
  });
});
