import {
  CURRENCIES,
  InvalidAmountError,
  MAX_WHOLE_UNITS,
  currencyDecimals,
  fromMinorUnits,
  isCurrency,
  isDecimalString,
  maxMinorUnits,
  money,
  parseDecimal,
  roundHalfEven,
  toMinorUnits,
  toPositiveMinorUnits,
} from './money.ts';
import type { Currency, InvalidAmountReason } from './money.ts';

/** Runs `fn` and returns the reason of the InvalidAmountError it throws. */
function reasonOf(fn: () => unknown): InvalidAmountReason {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidAmountError) {
      return error.reason;
    }
    throw error;
  }
  throw new Error('expected an InvalidAmountError, nothing was thrown');
}

describe('currencies', () => {
  test('lists exactly the supported currencies with their decimals', () => {
    expect(CURRENCIES).toEqual({
      USD: 2,
      EUR: 2,
      GBP: 2,
      CHF: 2,
      CAD: 2,
      AUD: 2,
      JPY: 0,
      SEK: 2,
      NOK: 2,
      DKK: 2,
    });
  });

  test('cannot be modified at run time', () => {
    expect(Object.isFrozen(CURRENCIES)).toBe(true);
  });

  test('isCurrency accepts supported codes only', () => {
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('JPY')).toBe(true);
    expect(isCurrency('DKK')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('XYZ')).toBe(false);
    expect(isCurrency('BTC')).toBe(false);
    expect(isCurrency('')).toBe(false);
    expect(isCurrency('toString')).toBe(false);
    expect(isCurrency('__proto__')).toBe(false);
    expect(isCurrency(2)).toBe(false);
    expect(isCurrency(null)).toBe(false);
    expect(isCurrency(undefined)).toBe(false);
  });

  test('currencyDecimals', () => {
    expect(currencyDecimals('USD')).toBe(2);
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
  });
});

describe('parseDecimal', () => {
  test.each([
    ['0', false, '0', ''],
    ['-0', true, '0', ''],
    ['12', false, '12', ''],
    ['-12.50', true, '12', '50'],
    ['0.05', false, '0', '05'],
    ['1.500', false, '1', '500'],
    ['10000000000000000000000', false, '10000000000000000000000', ''],
  ])('%s', (input, negative, integerDigits, fractionDigits) => {
    expect(parseDecimal(input)).toEqual({ negative, integerDigits, fractionDigits });
  });

  test.each([
    [''],
    ['-'],
    ['.'],
    ['.5'],
    ['-.5'],
    ['5.'],
    ['-5.'],
    ['1e3'],
    ['1E3'],
    ['1.5e2'],
    ['+1'],
    ['--1'],
    [' 1'],
    ['1 '],
    ['1\n'],
    ['1,000'],
    ['1_000'],
    ['1 000'],
    ['1.2.3'],
    ['1,5'],
    ['007'],
    ['00.5'],
    ['-01'],
    ['0x10'],
    ['NaN'],
    ['Infinity'],
    ['-Infinity'],
    ['abc'],
    ['١٢'],
    ['１２'],
  ])('refuses %j as FORMAT', (input) => {
    expect(reasonOf(() => parseDecimal(input))).toBe('FORMAT');
  });

  test('isDecimalString agrees with parseDecimal', () => {
    expect(isDecimalString('12.50')).toBe(true);
    expect(isDecimalString('-0.05')).toBe(true);
    expect(isDecimalString('1e3')).toBe(false);
    expect(isDecimalString('.5')).toBe(false);
    expect(isDecimalString(12.5)).toBe(false);
    expect(isDecimalString(12n)).toBe(false);
    expect(isDecimalString(null)).toBe(false);
  });
});

describe('toMinorUnits', () => {
  test.each<[string, Currency, bigint]>([
    ['0', 'USD', 0n],
    ['0.00', 'USD', 0n],
    ['-0', 'USD', 0n],
    ['-0.00', 'USD', 0n],
    ['1', 'USD', 100n],
    ['1.5', 'USD', 150n],
    ['1.50', 'USD', 150n],
    ['1234.50', 'USD', 123450n],
    ['0.05', 'USD', 5n],
    ['0.5', 'EUR', 50n],
    ['-0.05', 'USD', -5n],
    ['-12.34', 'GBP', -1234n],
    ['19.99', 'CHF', 1999n],
    ['100', 'JPY', 100n],
    ['0', 'JPY', 0n],
    ['-7', 'JPY', -7n],
    ['0.07', 'USD', 7n],
    ['1234567890123.45', 'EUR', 123456789012345n],
  ])('%s %s is %d minor units', (amount, currency, expected) => {
    expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  test('never goes through floating point', () => {
    // 0.1 + 0.2 !== 0.3 and 1.15 * 100 === 114.99999999999999 in floating point.
    expect(toMinorUnits('0.1', 'USD') + toMinorUnits('0.2', 'USD')).toBe(toMinorUnits('0.3', 'USD'));
    expect(toMinorUnits('1.15', 'USD')).toBe(115n);
    expect(toMinorUnits('4.35', 'USD')).toBe(435n);
  });

  test('refuses more fractional digits than the currency has, even zeros', () => {
    expect(reasonOf(() => toMinorUnits('1.500', 'USD'))).toBe('PRECISION');
    expect(reasonOf(() => toMinorUnits('1.005', 'USD'))).toBe('PRECISION');
    expect(reasonOf(() => toMinorUnits('0.001', 'EUR'))).toBe('PRECISION');
    expect(reasonOf(() => toMinorUnits('-0.001', 'EUR'))).toBe('PRECISION');
    expect(reasonOf(() => toMinorUnits('100.0', 'JPY'))).toBe('PRECISION');
    expect(reasonOf(() => toMinorUnits('100.5', 'JPY'))).toBe('PRECISION');
    expect(reasonOf(() => toMinorUnits('0.00000000000000000001', 'USD'))).toBe('PRECISION');
  });

  test('refuses malformed strings as FORMAT', () => {
    expect(reasonOf(() => toMinorUnits('1e3', 'USD'))).toBe('FORMAT');
    expect(reasonOf(() => toMinorUnits('+1', 'USD'))).toBe('FORMAT');
    expect(reasonOf(() => toMinorUnits('1,000.00', 'USD'))).toBe('FORMAT');
    expect(reasonOf(() => toMinorUnits(' 1.00', 'USD'))).toBe('FORMAT');
    expect(reasonOf(() => toMinorUnits('.50', 'USD'))).toBe('FORMAT');
    expect(reasonOf(() => toMinorUnits('1.', 'JPY'))).toBe('FORMAT');
    expect(reasonOf(() => toMinorUnits('', 'USD'))).toBe('FORMAT');
  });

  test('FORMAT takes precedence over PRECISION and size', () => {
    expect(reasonOf(() => toMinorUnits('1e300', 'USD'))).toBe('FORMAT');
    expect(reasonOf(() => toMinorUnits('+1.500', 'USD'))).toBe('FORMAT');
  });

  test('the error is an Error with a stable name and a message that does not echo input', () => {
    let caught: unknown;
    try {
      toMinorUnits('secret-looking-input', 'USD');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toBeInstanceOf(InvalidAmountError);
    const error = caught as InvalidAmountError;
    expect(error.name).toBe('InvalidAmountError');
    expect(error.reason).toBe('FORMAT');
    expect(error.message).not.toContain('secret-looking-input');
    expect(error.message).toContain('12.50');
  });

  test('precision messages name the currency', () => {
    expect(() => toMinorUnits('1.500', 'USD')).toThrow('USD amounts have at most 2 decimal places.');
    expect(() => toMinorUnits('1.5', 'JPY')).toThrow('JPY amounts cannot have a fractional part.');
  });
});

describe('the 10^13 whole-unit limit', () => {
  test('is 10^13 whole units in every currency', () => {
    expect(MAX_WHOLE_UNITS).toBe(10_000_000_000_000n);
    expect(maxMinorUnits('USD')).toBe(1_000_000_000_000_000n);
    expect(maxMinorUnits('JPY')).toBe(10_000_000_000_000n);
  });

  test.each<[string, Currency, bigint]>([
    ['10000000000000', 'USD', 1_000_000_000_000_000n],
    ['10000000000000.00', 'USD', 1_000_000_000_000_000n],
    ['-10000000000000.00', 'USD', -1_000_000_000_000_000n],
    ['9999999999999.99', 'USD', 999_999_999_999_999n],
    ['10000000000000', 'JPY', 10_000_000_000_000n],
    ['-10000000000000', 'JPY', -10_000_000_000_000n],
    ['9999999999999', 'JPY', 9_999_999_999_999n],
  ])('accepts %s %s (at or below the limit)', (amount, currency, expected) => {
    expect(toMinorUnits(amount, currency)).toBe(expected);
  });

  test.each<[string, Currency]>([
    ['10000000000000.01', 'USD'],
    ['-10000000000000.01', 'USD'],
    ['10000000000001', 'USD'],
    ['99999999999999', 'USD'],
    ['100000000000000', 'USD'],
    ['10000000000001', 'JPY'],
    ['-10000000000001', 'JPY'],
    ['100000000000000000000000000000000000000', 'EUR'],
  ])('refuses %s %s as TOO_LARGE', (amount, currency) => {
    expect(reasonOf(() => toMinorUnits(amount, currency))).toBe('TOO_LARGE');
  });

  test('a very long digit string is refused quickly', () => {
    const huge = '9'.repeat(1_000_000);
    const started = Date.now();
    expect(reasonOf(() => toMinorUnits(huge, 'USD'))).toBe('TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(5000); // quadratic work on a million digits: hours
  });
});

describe('toPositiveMinorUnits', () => {
  test('accepts positive amounts', () => {
    expect(toPositiveMinorUnits('0.01', 'USD')).toBe(1n);
    expect(toPositiveMinorUnits('1', 'JPY')).toBe(1n);
    expect(toPositiveMinorUnits('10000000000000.00', 'USD')).toBe(1_000_000_000_000_000n);
  });

  test.each<[string, Currency]>([
    ['0', 'USD'],
    ['0.00', 'USD'],
    ['-0', 'USD'],
    ['-0.00', 'EUR'],
    ['-0.01', 'USD'],
    ['-1', 'JPY'],
    ['0', 'JPY'],
  ])('refuses %s %s as NOT_POSITIVE', (amount, currency) => {
    expect(reasonOf(() => toPositiveMinorUnits(amount, currency))).toBe('NOT_POSITIVE');
  });

  test('still applies the other rules first', () => {
    expect(reasonOf(() => toPositiveMinorUnits('1e2', 'USD'))).toBe('FORMAT');
    expect(reasonOf(() => toPositiveMinorUnits('0.001', 'USD'))).toBe('PRECISION');
    expect(reasonOf(() => toPositiveMinorUnits('10000000000000.01', 'USD'))).toBe('TOO_LARGE');
    expect(reasonOf(() => toPositiveMinorUnits('-10000000000000.01', 'USD'))).toBe('TOO_LARGE');
  });
});

describe('fromMinorUnits', () => {
  test.each<[bigint, Currency, string]>([
    [0n, 'USD', '0.00'],
    [1n, 'USD', '0.01'],
    [5n, 'USD', '0.05'],
    [-5n, 'USD', '-0.05'],
    [10n, 'USD', '0.10'],
    [99n, 'USD', '0.99'],
    [100n, 'USD', '1.00'],
    [-100n, 'USD', '-1.00'],
    [123450n, 'USD', '1234.50'],
    [-123456n, 'EUR', '-1234.56'],
    [1_000_000_000_000_000n, 'USD', '10000000000000.00'],
    [9007199254740993n, 'USD', '90071992547409.93'],
    [123456789012345n, 'EUR', '1234567890123.45'],
    [0n, 'JPY', '0'],
    [100n, 'JPY', '100'],
    [-7n, 'JPY', '-7'],
    [10_000_000_000_000n, 'JPY', '10000000000000'],
  ])('%d %s is %s', (minor, currency, expected) => {
    expect(fromMinorUnits(minor, currency)).toBe(expected);
  });

  test('formats values above the input limit instead of refusing them', () => {
    expect(fromMinorUnits(10n ** 20n, 'USD')).toBe('1000000000000000000.00');
  });

  test.each<[bigint, Currency]>([
    [0n, 'USD'],
    [1n, 'USD'],
    [-1n, 'USD'],
    [123456789n, 'GBP'],
    [-123456789n, 'SEK'],
    [1_000_000_000_000_000n, 'USD'],
    [-1_000_000_000_000_000n, 'USD'],
    [42n, 'JPY'],
    [-42n, 'JPY'],
  ])('round-trips %d %s through a string', (minor, currency) => {
    expect(toMinorUnits(fromMinorUnits(minor, currency), currency)).toBe(minor);
  });

  test.each<[string, Currency, string]>([
    ['1.5', 'USD', '1.50'],
    ['1', 'USD', '1.00'],
    ['-0', 'USD', '0.00'],
    ['-0.00', 'USD', '0.00'],
    ['0.1', 'EUR', '0.10'],
    ['100', 'JPY', '100'],
  ])('canonicalizes %s %s to %s', (amount, currency, expected) => {
    expect(fromMinorUnits(toMinorUnits(amount, currency), currency)).toBe(expected);
  });
});

describe('roundHalfEven', () => {
  test.each<[bigint, bigint, bigint]>([
    // ties go to the even neighbour
    [5n, 2n, 2n],
    [7n, 2n, 4n],
    [1n, 2n, 0n],
    [3n, 2n, 2n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [-1n, 2n, 0n],
    [-3n, 2n, -2n],
    [25n, 10n, 2n],
    [35n, 10n, 4n],
    [-25n, 10n, -2n],
    [-35n, 10n, -4n],
    // below and above half
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [-1n, 3n, 0n],
    [-2n, 3n, -1n],
    [24n, 10n, 2n],
    [26n, 10n, 3n],
    [-24n, 10n, -2n],
    [-26n, 10n, -3n],
    [4999n, 10000n, 0n],
    [5001n, 10000n, 1n],
    // exact divisions
    [0n, 7n, 0n],
    [6n, 3n, 2n],
    [-6n, 3n, -2n],
    // negative denominators
    [5n, -2n, -2n],
    [7n, -2n, -4n],
    [-5n, -2n, 2n],
    [-7n, -2n, 4n],
    [2n, -3n, -1n],
    // values far beyond Number.MAX_SAFE_INTEGER
    [10n ** 30n + 5n, 10n, 10n ** 29n],
    [10n ** 30n + 15n, 10n, 10n ** 29n + 2n],
  ])('roundHalfEven(%d, %d) === %d', (numerator, denominator, expected) => {
    expect(roundHalfEven(numerator, denominator)).toBe(expected);
  });

  test('interest example: 1234.56 at 3.25% for 1 day of 365', () => {
    // 123456 cents * 325 / (10000 * 365) = 10.99... cents -> 11 cents
    expect(roundHalfEven(123456n * 325n, 10000n * 365n)).toBe(11n);
  });

  test('refuses a zero denominator', () => {
    expect(() => roundHalfEven(1n, 0n)).toThrow(RangeError);
    expect(() => roundHalfEven(0n, 0n)).toThrow(RangeError);
  });
});

describe('money', () => {
  test('builds the API representation', () => {
    expect(money(123450n, 'USD')).toEqual({ amount: '1234.50', currency: 'USD' });
    expect(money(-5n, 'EUR')).toEqual({ amount: '-0.05', currency: 'EUR' });
    expect(money(0n, 'JPY')).toEqual({ amount: '0', currency: 'JPY' });
  });
});
