import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString, graphql, parseValue } from 'graphql';
import {
  BAD_USER_INPUT,
  DateTimeScalar,
  DecimalScalar,
  MAX_DECIMAL_LENGTH,
  parseDateTime,
  scalarResolvers,
} from './scalars.ts';

/** Runs `fn` and returns the GraphQLError it throws. */
function errorOf(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GraphQLError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a GraphQLError, nothing was thrown');
}

/** Expects `fn` to throw a BAD_USER_INPUT GraphQLError and returns its message. */
function badInputMessage(fn: () => unknown): string {
  const error = errorOf(fn);
  expect(error.extensions['code']).toBe('BAD_USER_INPUT');
  return error.message;
}

describe('Decimal', () => {
  test('is named Decimal and documents its format', () => {
    expect(DecimalScalar.name).toBe('Decimal');
    expect(DecimalScalar.description).toContain('"1234.50"');
    expect(DecimalScalar.description).toContain('JSON string');
  });

  describe('parseValue', () => {
    test.each(['0', '-0', '12', '12.50', '-0.05', '1.500', '10000000000000.00'])('accepts %j unchanged', (input) => {
      expect(DecimalScalar.parseValue(input)).toBe(input);
    });

    test('accepts exactly the maximum length', () => {
      const longest = '1'.repeat(MAX_DECIMAL_LENGTH);
      expect(MAX_DECIMAL_LENGTH).toBe(40);
      expect(DecimalScalar.parseValue(longest)).toBe(longest);
      expect(DecimalScalar.parseValue(`-0.${'1'.repeat(MAX_DECIMAL_LENGTH - 3)}`)).toHaveLength(40);
    });

    test('refuses a string longer than the maximum length', () => {
      expect(badInputMessage(() => DecimalScalar.parseValue('1'.repeat(MAX_DECIMAL_LENGTH + 1)))).toBe(
        'Decimal must be at most 40 characters.',
      );
      expect(badInputMessage(() => DecimalScalar.parseValue(`-0.${'1'.repeat(MAX_DECIMAL_LENGTH - 2)}`))).toBe(
        'Decimal must be at most 40 characters.',
      );
    });

    test.each([12.5, 12, 0, -1, Number.NaN, 12n])('refuses the number %p and asks for a string', (input) => {
      expect(badInputMessage(() => DecimalScalar.parseValue(input))).toBe(
        'Decimal must be sent as a string, such as "12.50", not as a number: JSON numbers lose precision.',
      );
    });

    test.each(['', '1e3', '+1', ' 1', '1 ', '1,000', '.5', '5.', '007', 'abc', '1.2.3', 'NaN'])(
      'refuses the malformed string %j',
      (input) => {
        expect(badInputMessage(() => DecimalScalar.parseValue(input))).toContain('"12.50"');
      },
    );

    test.each([null, undefined, true, {}, ['1'], { amount: '1' }])('refuses the non-string %p', (input) => {
      expect(badInputMessage(() => DecimalScalar.parseValue(input))).toMatch(/^Decimal must be a string/);
    });
  });

  describe('parseLiteral', () => {
    test('accepts a string literal', () => {
      expect(DecimalScalar.parseLiteral(parseValue('"12.50"'))).toBe('12.50');
      expect(DecimalScalar.parseLiteral(parseValue('"-0.05"'))).toBe('-0.05');
    });

    test.each(['12.50', '12', '-1', '1e3'])('refuses the number literal %s and asks for a string', (literal) => {
      const error = errorOf(() => DecimalScalar.parseLiteral(parseValue(literal)));
      expect(error.extensions['code']).toBe('BAD_USER_INPUT');
      expect(error.message).toBe(
        'Decimal must be sent as a string, such as "12.50", not as a number: JSON numbers lose precision.',
      );
      expect(error.nodes).toHaveLength(1);
    });

    test.each([
      ['true', 'a boolean'],
      ['null', 'null'],
      ['USD', 'an enum value'],
      ['["1"]', 'a list'],
      ['{ amount: "1" }', 'an object'],
    ])('refuses the literal %s', (literal, described) => {
      expect(badInputMessage(() => DecimalScalar.parseLiteral(parseValue(literal)))).toBe(
        `Decimal must be a string such as "12.50", got ${described}.`,
      );
    });

    test.each(['"1e3"', '"+1"', '".5"', '" 1"', '"1,000"'])('refuses the malformed string literal %s', (literal) => {
      expect(badInputMessage(() => DecimalScalar.parseLiteral(parseValue(literal)))).toContain('"12.50"');
    });

    test('refuses a string literal longer than the maximum length', () => {
      const literal = `"${'9'.repeat(MAX_DECIMAL_LENGTH + 1)}"`;
      expect(badInputMessage(() => DecimalScalar.parseLiteral(parseValue(literal)))).toBe(
        'Decimal must be at most 40 characters.',
      );
    });
  });

  describe('serialize', () => {
    test.each(['0.00', '1234.50', '-0.05', '100'])('returns %j unchanged', (output) => {
      expect(DecimalScalar.serialize(output)).toBe(output);
    });

    test.each([12.5, 12n, null, undefined, '1e3', 'abc', '', '1'.repeat(MAX_DECIMAL_LENGTH + 1), {}])(
      'refuses %p without a client error code',
      (output) => {
        const error = errorOf(() => DecimalScalar.serialize(output));
        expect(error.message).toMatch(/^Decimal cannot represent /);
        expect(error.extensions['code']).toBeUndefined();
      },
    );
  });
});

describe('DateTime', () => {
  test('is named DateTime and documents its format', () => {
    expect(DateTimeScalar.name).toBe('DateTime');
    expect(DateTimeScalar.description).toContain('ISO 8601');
  });

  describe('parseValue', () => {
    test.each([
      ['2024-03-01T12:00:00Z', '2024-03-01T12:00:00.000Z'],
      ['2024-03-01T12:00:00.5Z', '2024-03-01T12:00:00.500Z'],
      ['2024-03-01T12:00:00.123Z', '2024-03-01T12:00:00.123Z'],
      ['2024-03-01T12:00:00.123456789Z', '2024-03-01T12:00:00.123Z'],
      ['2024-03-01T13:00:00+01:00', '2024-03-01T12:00:00.000Z'],
      ['2024-03-01T07:30:00-04:30', '2024-03-01T12:00:00.000Z'],
      ['2024-03-01T00:30:00+05:45', '2024-02-29T18:45:00.000Z'],
      ['2024-12-31T23:59:59-00:00', '2024-12-31T23:59:59.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
      ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
      ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
      ['0050-06-15T00:00:00Z', '0050-06-15T00:00:00.000Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
      ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ])('parses %j as %s', (input, expected) => {
      const date = DateTimeScalar.parseValue(input);
      expect(date).toBeInstanceOf(Date);
      expect(date.toISOString()).toBe(expected);
    });

    test.each([
      '2024-03-01T12:00:00', // no time zone: would silently be local time
      '2024-03-01 12:00:00Z',
      '2024-03-01t12:00:00z',
      '2024-03-01',
      '2024-03-01T12:00Z',
      '2024-03-01T12:00:00+0100',
      '2024-03-01T12:00:00+01',
      '2024-03-01T12:00:00.Z',
      '2024-03-01T12:00:00.1234567890Z',
      '20240301T120000Z',
      '2024-3-1T12:00:00Z',
      '+002024-03-01T12:00:00Z',
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-00-10T00:00:00Z',
      '2024-01-00T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      '2024-01-01T23:59:60Z',
      '2024-01-01T00:00:00+24:00',
      '2024-01-01T00:00:00+01:60',
      ' 2024-03-01T12:00:00Z',
      '2024-03-01T12:00:00Z ',
      'Fri, 01 Mar 2024 12:00:00 GMT',
      '1709294400000',
      'yesterday',
      '',
      // Outside the years 1 to 9999 in UTC (PostgreSQL has no year 0).
      '0000-06-01T00:00:00Z',
      '0001-01-01T00:00:00+01:00',
      '9999-12-31T23:00:00-01:00',
    ])('refuses %j', (input) => {
      expect(badInputMessage(() => DateTimeScalar.parseValue(input))).toMatch(/^DateTime must be a valid ISO 8601/);
    });

    test.each([1709294400000, null, undefined, true, {}, new Date(0)])('refuses the non-string %p', (input) => {
      expect(badInputMessage(() => DateTimeScalar.parseValue(input))).toMatch(/^DateTime must be an ISO 8601 string/);
    });
  });

  describe('parseLiteral', () => {
    test('accepts a string literal', () => {
      expect(DateTimeScalar.parseLiteral(parseValue('"2024-03-01T13:00:00+01:00"')).toISOString()).toBe(
        '2024-03-01T12:00:00.000Z',
      );
    });

    test.each([
      ['1709294400000', 'a number'],
      ['true', 'a boolean'],
      ['null', 'null'],
      ['NOW', 'an enum value'],
      ['[]', 'a list'],
    ])('refuses the literal %s', (literal, described) => {
      const error = errorOf(() => DateTimeScalar.parseLiteral(parseValue(literal)));
      expect(error.extensions['code']).toBe(BAD_USER_INPUT);
      expect(error.message).toBe(
        `DateTime must be an ISO 8601 string such as "2024-03-01T12:00:00Z", got ${described}.`,
      );
      expect(error.nodes).toHaveLength(1);
    });

    test('refuses an invalid string literal', () => {
      expect(badInputMessage(() => DateTimeScalar.parseLiteral(parseValue('"2024-02-30T00:00:00Z"')))).toMatch(
        /^DateTime must be a valid ISO 8601/,
      );
    });
  });

  describe('serialize', () => {
    test('serializes a Date in UTC with milliseconds', () => {
      expect(DateTimeScalar.serialize(new Date(Date.UTC(2024, 2, 1, 12, 0, 0, 7)))).toBe('2024-03-01T12:00:00.007Z');
      expect(DateTimeScalar.serialize(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    });

    test('normalizes an ISO string to UTC', () => {
      expect(DateTimeScalar.serialize('2024-03-01T13:00:00+01:00')).toBe('2024-03-01T12:00:00.000Z');
      expect(DateTimeScalar.serialize('2024-03-01T12:00:00Z')).toBe('2024-03-01T12:00:00.000Z');
    });

    test.each([
      new Date(Number.NaN),
      '2024-02-30T00:00:00Z',
      '2024-03-01T12:00:00',
      1709294400000,
      null,
      undefined,
      {},
    ])('refuses %p without a client error code', (output) => {
      const error = errorOf(() => DateTimeScalar.serialize(output));
      expect(error.message).toMatch(/^DateTime cannot represent /);
      expect(error.extensions['code']).toBeUndefined();
    });
  });

  test('parseDateTime returns null rather than throwing', () => {
    expect(parseDateTime('nope')).toBeNull();
    expect(parseDateTime('2024-02-30T00:00:00Z')).toBeNull();
    expect(parseDateTime('2024-03-01T12:00:00Z')?.getTime()).toBe(Date.UTC(2024, 2, 1, 12));
  });
});

test('scalarResolvers maps the SDL names to the scalars', () => {
  expect(scalarResolvers).toEqual({ Decimal: DecimalScalar, DateTime: DateTimeScalar });
  expect(scalarResolvers.Decimal).toBe(DecimalScalar);
  expect(scalarResolvers.DateTime).toBe(DateTimeScalar);
});

describe('in an executed schema', () => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        echo: {
          type: GraphQLString,
          args: { amount: { type: DecimalScalar }, at: { type: DateTimeScalar } },
          resolve: (_source, args: { amount?: string; at?: Date }) =>
            `${args.amount ?? '-'} ${args.at?.toISOString() ?? '-'}`,
        },
        balance: { type: DecimalScalar, resolve: () => '1234.50' },
        openedAt: { type: DateTimeScalar, resolve: () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) },
      },
    }),
  });

  test('accepts valid variables and serializes outputs', async () => {
    const result = await graphql({
      schema,
      source: 'query ($a: Decimal, $t: DateTime) { echo(amount: $a, at: $t) balance openedAt }',
      variableValues: { a: '12.50', t: '2024-03-01T13:00:00+01:00' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      echo: '12.50 2024-03-01T12:00:00.000Z',
      balance: '1234.50',
      openedAt: '2024-01-02T03:04:05.000Z',
    });
  });

  test('a JSON number variable is refused with BAD_USER_INPUT', async () => {
    const result = await graphql({
      schema,
      source: 'query ($a: Decimal) { echo(amount: $a) }',
      variableValues: { a: 12.5 },
    });
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('not as a number');
  });

  test('a number literal is refused with BAD_USER_INPUT', async () => {
    const result = await graphql({ schema, source: '{ echo(amount: 12.50) }' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.locations).toEqual([{ line: 1, column: 16 }]);
  });

  test('a DateTime literal without time zone is refused with BAD_USER_INPUT', async () => {
    const result = await graphql({ schema, source: '{ echo(at: "2024-03-01T12:00:00") }' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions['code']).toBe('BAD_USER_INPUT');
  });
});
