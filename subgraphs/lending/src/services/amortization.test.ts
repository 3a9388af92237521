import { roundHalfEven } from '../../../../platform/money.ts';
import {
  amortize,
  formatAnnualRate,
  InvalidLoanInputError,
  InvalidRateError,
  levelPayment,
  parseAnnualRate,
  totals,
  type AmortizationInput,
  type Installment,
  type LoanInputField,
  type RepaymentMethod,
} from './amortization.ts';

/** A valid loan; tests override what they are about. */
function loan(overrides: Partial<AmortizationInput> = {}): AmortizationInput {
  return {
    principal: 1_000_000n,
    annualRate: '6',
    termMonths: 12,
    method: 'ANNUITY',
    firstDueDate: '2025-01-15',
    ...overrides,
  };
}

/** The error `run` throws; fails the test if it returns. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Asserts that `run` refuses the input `field` with a message naming it. */
function expectRefused(run: () => unknown, field: LoanInputField): void {
  const error = thrownBy(run);
  expect(error).toBeInstanceOf(InvalidLoanInputError);
  expect((error as InvalidLoanInputError).field).toBe(field);
  expect((error as InvalidLoanInputError).message).toContain(field);
}

/**
 * Deterministic pseudo-random bigints without floating point: a 64-bit linear
 * congruential generator (Knuth's MMIX constants).
 */
function seededRandom(seed: bigint): (below: bigint) => bigint {
  let state = seed;
  return (below) => {
    state = (state * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
    return (state >> 16n) % below;
  };
}

/**
 * Sign of the balance left after `n` exact payments of `x / 2` minor units at
 * monthly rate `ppm / 12 000 000` (future-value form, independent of the
 * present-value formula the module uses): negative means overpaid.
 */
function signOfBalanceAfterHalves(principal: bigint, ppm: bigint, n: number, twiceX: bigint): number {
  const a = ppm;
  const b = 12_000_000n;
  const grown = (a + b) ** BigInt(n);
  const base = b ** BigInt(n);
  // balance × 2·a·b^n = 2·P·a·(a+b)^n − 2x·b·((a+b)^n − b^n)
  const scaled = 2n * principal * a * grown - twiceX * b * (grown - base);
  return scaled === 0n ? 0 : scaled > 0n ? 1 : -1;
}

/**
 * The invariants a schedule breaks, as readable lines (empty when it is
 * well formed). Plain code rather than one `expect` per installment keeps the
 * thousands of randomized checks fast.
 */
function scheduleProblems(schedule: Installment[], input: AmortizationInput): string[] {
  const problems: string[] = [];
  if (schedule.length !== input.termMonths) {
    problems.push(`${schedule.length} installments for a ${input.termMonths}-month term`);
  }
  let owed = input.principal;
  let principalSum = 0n;
  schedule.forEach((installment, index) => {
    const { number, payment, principal, interest, remaining } = installment;
    const broken = [
      number !== index + 1 && 'wrong number',
      principal < 0n && 'negative principal',
      interest < 0n && 'negative interest',
      payment !== principal + interest && 'payment is not principal + interest',
      remaining !== owed - principal && 'remaining is not the previous balance minus principal',
      remaining < 0n && 'negative remaining',
      remaining > owed && 'remaining increased',
    ].filter((problem) => problem !== false);
    problems.push(...broken.map((problem) => `installment ${index + 1}: ${problem}`));
    owed = remaining;
    principalSum += principal;
  });
  if (owed !== 0n) problems.push(`final remaining is ${owed}, not 0`);
  if (principalSum !== input.principal) problems.push(`principals sum to ${principalSum}, not ${input.principal}`);
  if (totals(schedule).totalPrincipal !== principalSum) problems.push('totals() disagrees with the principals');
  return problems;
}

/** Asserts that a schedule satisfies every invariant of {@link scheduleProblems}. */
function expectWellFormed(schedule: Installment[], input: AmortizationInput): void {
  expect(scheduleProblems(schedule, input)).toEqual([]);
}

describe('parseAnnualRate', () => {
  test('reads a percentage exactly, in millionths', () => {
    expect(parseAnnualRate('7.25')).toEqual({ ppm: 72_500n });
    expect(parseAnnualRate('0')).toEqual({ ppm: 0n });
    expect(parseAnnualRate('-0')).toEqual({ ppm: 0n });
    expect(parseAnnualRate('0.0001')).toEqual({ ppm: 1n });
    expect(parseAnnualRate('12.3456')).toEqual({ ppm: 123_456n });
    expect(parseAnnualRate('99.9999')).toEqual({ ppm: 999_999n });
    expect(parseAnnualRate('100')).toEqual({ ppm: 1_000_000n });
    expect(parseAnnualRate('100.0000')).toEqual({ ppm: 1_000_000n });
  });

  test('formats back to the shortest string it accepts', () => {
    for (const text of ['7.25', '0', '0.0001', '12.3456', '100', '3.875', '6.5']) {
      expect(formatAnnualRate(parseAnnualRate(text))).toBe(text);
    }
    expect(formatAnnualRate({ ppm: 70_000n })).toBe('7');
  });

  test.each([
    ['-1', 'RANGE'],
    ['-0.0001', 'RANGE'],
    ['100.0001', 'RANGE'],
    ['101', 'RANGE'],
    ['123456789012345678901234567890', 'RANGE'],
    ['7.12345', 'PRECISION'],
    ['7.25000', 'PRECISION'],
    ['abc', 'FORMAT'],
    ['', 'FORMAT'],
    [' 7', 'FORMAT'],
    ['7%', 'FORMAT'],
    ['1e1', 'FORMAT'],
    ['+5', 'FORMAT'],
    ['.5', 'FORMAT'],
    ['05', 'FORMAT'],
    ['7,25', 'FORMAT'],
  ])('refuses %j (%s)', (text, reason) => {
    const error = thrownBy(() => parseAnnualRate(text));
    expect(error).toBeInstanceOf(InvalidRateError);
    expect(error).toBeInstanceOf(InvalidLoanInputError);
    expect((error as InvalidRateError).reason).toBe(reason);
    expect((error as InvalidRateError).field).toBe('annualRate');
    expect((error as InvalidRateError).message).toMatch(/^annualRate /);
  });

  test('amortize refuses bad rates, as strings or as out-of-range values', () => {
    expectRefused(() => amortize(loan({ annualRate: 'abc' })), 'annualRate');
    expectRefused(() => amortize(loan({ annualRate: '5.00001' })), 'annualRate');
    expectRefused(() => amortize(loan({ annualRate: { ppm: -1n } })), 'annualRate');
    expectRefused(() => amortize(loan({ annualRate: { ppm: 1_000_001n } })), 'annualRate');
  });
});

describe('published examples', () => {
  test('Wikipedia: $200,000 at 6.5 % over 30 years pays $1,264.14 a month', () => {
    // Source: Wikipedia, "Mortgage calculator", section "Monthly payment
    // formula" (https://en.wikipedia.org/wiki/Mortgage_calculator): "for a home
    // loan of $200,000 with a fixed yearly interest rate of 6.5% for 30 years
    // [...] the fixed monthly payment c equals $1,264.14". The source gives
    // the payment only; the first split follows by hand:
    // 200,000 × 0.065 / 12 = 1,083.333... → $1,083.33 interest, $180.81 principal.
    const input = loan({ principal: 20_000_000n, annualRate: '6.5', termMonths: 360, firstDueDate: '2024-01-01' });
    const schedule = amortize(input);
    expect(levelPayment(20_000_000n, '6.5', 360)).toBe(126_414n);
    expect(schedule[0]).toEqual({
      number: 1,
      dueDate: '2024-01-01',
      payment: 126_414n,
      principal: 18_081n,
      interest: 108_333n,
      remaining: 19_981_919n,
    });
    expect(schedule.slice(0, -1).every((installment) => installment.payment === 126_414n)).toBe(true);
    expect(schedule[359]?.dueDate).toBe('2053-12-01');
    expectWellFormed(schedule, input);
    // Totals: not in the source, but bounded by it. 360 × $1,264.14 =
    // $455,090.40; only the last payment differs, by the accumulated rounding
    // of the level payment (under $10 here).
    const { totalPayment, totalInterest, totalPrincipal } = totals(schedule);
    expect(totalPrincipal).toBe(20_000_000n);
    expect(totalPayment).toBe(totalPrincipal + totalInterest);
    expect(totalPayment - 360n * 126_414n).toBeLessThanOrEqual(0n);
    expect(totalPayment - 360n * 126_414n).toBeGreaterThan(-1_000n);
  });

  test('CFPB sample Loan Estimate: $162,000 at 3.875 % over 30 years', () => {
    // Source: Consumer Financial Protection Bureau, Regulation Z (12 CFR part
    // 1026) Appendix H, form H-24(B) "Mortgage Loan Transaction Loan Estimate
    // – Fixed Rate Loan Sample" (Ficus Bank; Loan Amount $162,000, Interest
    // Rate 3.875 %, Loan Term 30 years). Page 1: "Monthly Principal &
    // Interest $761.78". Page 3, Comparisons, "In 5 Years": "$15,773
    // Principal you will have paid off".
    const input = loan({ principal: 16_200_000n, annualRate: '3.875', termMonths: 360 });
    const schedule = amortize(input);
    expect(levelPayment(16_200_000n, '3.875', 360)).toBe(76_178n);
    // First interest is 162,000 × 0.03875 / 12 = 523.125 exactly: a tie,
    // HALF_EVEN gives 523.12 (half-up would give 523.13).
    expect(schedule[0]?.interest).toBe(52_312n);
    expect(schedule[0]?.principal).toBe(23_866n);
    const fiveYears = totals(schedule.slice(0, 60));
    expect(roundHalfEven(fiveYears.totalPrincipal, 100n)).toBe(15_773n);
    expectWellFormed(schedule, input);
  });

  test('$200,000 at 6 %: $1,199.10 over 30 years, $1,687.71 over 15', () => {
    // Source: Math On Demand, "Monthly loan payment on a $200,000 loan for 30
    // years with a 6% interest rate"
    // (https://mathondemand.com/solutions/monthly-loan-payment-on-a-200000-loan-for-30-years-with-a-6-interest-rate),
    // and the widely published 15-year figure for the same loan.
    expect(levelPayment(20_000_000n, '6', 360)).toBe(119_910n);
    expect(levelPayment(20_000_000n, '6', 180)).toBe(168_771n);
  });

  test('equal principal, worked by hand: 1,200.00 at 12 % over 12 months', () => {
    // 1 % a month on the balance, 100.00 of principal each month:
    // interest 12.00, 11.00, ..., 1.00 → 78.00 in total.
    const input = loan({ principal: 120_000n, annualRate: '12', method: 'EQUAL_PRINCIPAL' });
    const schedule = amortize(input);
    expect(schedule.map((i) => i.principal)).toEqual(Array.from({ length: 12 }, () => 10_000n));
    expect(schedule.map((i) => i.interest)).toEqual(Array.from({ length: 12 }, (_, k) => BigInt(1200 - k * 100)));
    expect(schedule[0]?.payment).toBe(11_200n);
    expect(schedule[11]?.payment).toBe(10_100n);
    expect(totals(schedule)).toEqual({ totalPayment: 127_800n, totalInterest: 7_800n, totalPrincipal: 120_000n });
    expectWellFormed(schedule, input);
  });
});

describe('exactness over many loans', () => {
  const methods: RepaymentMethod[] = ['ANNUITY', 'EQUAL_PRINCIPAL'];

  test.each(methods)('%s: principals sum to the amount and the balance falls to exactly 0', (method) => {
    const random = seededRandom(method === 'ANNUITY' ? 20_250_101n : 19_991_231n);
    for (let run = 0; run < 300; run += 1) {
      // Principals from 1 minor unit to 10^13, some tiny to exercise clamping.
      const principal = 1n + random(run % 5 === 0 ? 1_000n : 10n ** BigInt(3 + Number(random(11n))));
      const ppm = run % 10 === 0 ? 0n : random(1_000_001n);
      const termMonths = 1 + Number(random(360n));
      const input = loan({ principal, annualRate: formatAnnualRate({ ppm }), termMonths, method });
      const schedule = amortize(input);
      expectWellFormed(schedule, input);
      const { totalPayment, totalInterest, totalPrincipal } = totals(schedule);
      expect(totalPayment).toBe(totalPrincipal + totalInterest);
      if (ppm === 0n) {
        expect(totalInterest).toBe(0n);
      }
      if (method === 'EQUAL_PRINCIPAL') {
        const slice = roundHalfEven(principal, BigInt(termMonths));
        // Every installment but the last repays the slice, or what is left.
        expect(schedule.slice(0, -1).every((i) => i.principal === slice || i.remaining === 0n)).toBe(true);
      } else {
        const payment = levelPayment(principal, { ppm }, termMonths);
        expect(schedule.slice(0, -1).every((i) => i.payment === payment || i.remaining === 0n)).toBe(true);
        if (ppm > 0n) {
          // The exact level payment lies within half a minor unit of the
          // rounded one: paying payment − ½ leaves debt, payment + ½ overpays.
          expect(signOfBalanceAfterHalves(principal, ppm, termMonths, 2n * payment - 1n)).toBeGreaterThanOrEqual(0);
          expect(signOfBalanceAfterHalves(principal, ppm, termMonths, 2n * payment + 1n)).toBeLessThanOrEqual(0);
        }
      }
    }
  });

  test('each month interest is the balance times rate / 12, rounded half-even', () => {
    const input = loan({ principal: 987_654_321n, annualRate: '7.3519', termMonths: 97 });
    let owed = input.principal;
    for (const installment of amortize(input)) {
      expect(installment.interest).toBe(roundHalfEven(owed * 73_519n, 12n * 1_000_000n));
      owed = installment.remaining;
    }
  });
});

describe('HALF_EVEN rounding', () => {
  test('a half-cent of interest rounds to the even cent, down or up', () => {
    // 12 % a year is 1 % a month: 0.50 → 0, 1.50 → 2, 2.50 → 2, 3.50 → 4 cents.
    const cases: [bigint, bigint][] = [
      [50n, 0n],
      [150n, 2n],
      [250n, 2n],
      [350n, 4n],
    ];
    for (const method of ['ANNUITY', 'EQUAL_PRINCIPAL'] as const) {
      for (const [principal, interest] of cases) {
        const [only] = amortize(loan({ principal, annualRate: '12', termMonths: 1, method }));
        expect(only).toMatchObject({ principal, interest, payment: principal + interest, remaining: 0n });
      }
    }
  });

  test('a half-cent payment or principal slice rounds to even, the last installment takes the rest', () => {
    for (const method of ['ANNUITY', 'EQUAL_PRINCIPAL'] as const) {
      // 2.5 → 2, then 3 to close; 1.5 → 2, then 1 to close.
      expect(amortize(loan({ principal: 5n, annualRate: '0', termMonths: 2, method })).map((i) => i.principal)).toEqual(
        [2n, 3n],
      );
      expect(amortize(loan({ principal: 3n, annualRate: '0', termMonths: 2, method })).map((i) => i.principal)).toEqual(
        [2n, 1n],
      );
    }
    expect(levelPayment(5n, '0', 2)).toBe(2n);
    expect(levelPayment(7n, '0', 2)).toBe(4n);
  });
});

describe('edge cases', () => {
  test('zero rate: no interest, level principal, the last installment takes the remainder', () => {
    for (const method of ['ANNUITY', 'EQUAL_PRINCIPAL'] as const) {
      const input = loan({ principal: 100_000n, annualRate: '0', termMonths: 12, method });
      const schedule = amortize(input);
      expect(schedule.every((i) => i.interest === 0n)).toBe(true);
      expect(schedule.slice(0, -1).every((i) => i.payment === 8_333n)).toBe(true);
      expect(schedule[11]?.payment).toBe(8_337n);
      expectWellFormed(schedule, input);
    }
  });

  test('an installment never repays more than is owed', () => {
    // 0.07 over 10 months rounds to 0.01 a month: paid off after 7.
    for (const method of ['ANNUITY', 'EQUAL_PRINCIPAL'] as const) {
      const input = loan({ principal: 7n, annualRate: '0', termMonths: 10, method });
      const schedule = amortize(input);
      expect(schedule.map((i) => i.principal)).toEqual([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n, 0n, 0n]);
      expectWellFormed(schedule, input);
    }
  });

  test('a one-month term repays everything with one month of interest', () => {
    for (const method of ['ANNUITY', 'EQUAL_PRINCIPAL'] as const) {
      const schedule = amortize(loan({ principal: 100_000n, annualRate: '12', termMonths: 1, method }));
      expect(schedule).toEqual([
        { number: 1, dueDate: '2025-01-15', payment: 101_000n, principal: 100_000n, interest: 1_000n, remaining: 0n },
      ]);
    }
  });

  test('a 360-month equal-principal loan', () => {
    const input = loan({ principal: 36_000_000n, annualRate: '6', termMonths: 360, method: 'EQUAL_PRINCIPAL' });
    const schedule = amortize(input);
    expect(schedule[0]).toMatchObject({ principal: 100_000n, interest: 180_000n, payment: 280_000n });
    expect(schedule[359]).toMatchObject({ principal: 100_000n, interest: 500n, remaining: 0n });
    // Interest on 360, 359, ..., 1 × 1,000.00 at 0.5 %: 500 × (360·361/2) cents.
    expect(totals(schedule).totalInterest).toBe(500n * ((360n * 361n) / 2n));
    expectWellFormed(schedule, input);
  });

  test('a 100 % rate', () => {
    // 100 % a year is 1/12 a month: the first interest on 10,000.00 is
    // 833.333... → 833.33.
    for (const termMonths of [12, 360]) {
      for (const method of ['ANNUITY', 'EQUAL_PRINCIPAL'] as const) {
        const input = loan({ principal: 1_000_000n, annualRate: '100', termMonths, method });
        const schedule = amortize(input);
        expect(schedule[0]?.interest).toBe(83_333n);
        expectWellFormed(schedule, input);
      }
    }
    // Over 12 months: P·(1/12)/(1 − (12/13)^12), exactly within half a cent.
    const payment = levelPayment(1_000_000n, '100', 12);
    expect(signOfBalanceAfterHalves(1_000_000n, 1_000_000n, 12, 2n * payment - 1n)).toBe(1);
    expect(signOfBalanceAfterHalves(1_000_000n, 1_000_000n, 12, 2n * payment + 1n)).toBe(-1);
    // Over 30 years the payment is all but exactly the interest on the loan.
    expect(levelPayment(1_000_000n, '100', 360)).toBe(83_333n);
  });
});

describe('due dates', () => {
  const dueDates = (firstDueDate: string, termMonths: number) =>
    amortize(loan({ principal: 1_000_000n, firstDueDate, termMonths })).map((i) => i.dueDate);

  test('the 31st moves to the last day of shorter months and comes back', () => {
    expect(dueDates('2024-01-31', 14)).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
      '2024-06-30',
      '2024-07-31',
      '2024-08-31',
      '2024-09-30',
      '2024-10-31',
      '2024-11-30',
      '2024-12-31',
      '2025-01-31',
      '2025-02-28',
    ]);
  });

  test('February follows the Gregorian leap-year rule', () => {
    expect(dueDates('2023-01-29', 3)).toEqual(['2023-01-29', '2023-02-28', '2023-03-29']);
    expect(dueDates('2024-01-29', 2)).toEqual(['2024-01-29', '2024-02-29']);
    const fromLeapDay = dueDates('2024-02-29', 49);
    expect(fromLeapDay.slice(0, 2)).toEqual(['2024-02-29', '2024-03-29']);
    expect(fromLeapDay[12]).toBe('2025-02-28');
    expect(fromLeapDay[48]).toBe('2028-02-29');
    // 2100 is not a leap year, 2000 is.
    expect(dueDates('2100-01-31', 2)).toEqual(['2100-01-31', '2100-02-28']);
    expect(dueDates('1999-12-31', 3)).toEqual(['1999-12-31', '2000-01-31', '2000-02-29']);
  });

  test('the last due date may fall in December 9999, not later', () => {
    expect(dueDates('9999-11-30', 2)).toEqual(['9999-11-30', '9999-12-30']);
    expectRefused(() => dueDates('9999-12-01', 2), 'firstDueDate');
  });

  test.each([
    '2023-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-1-05',
    '0000-01-01',
    'soon',
    '',
  ])('refuses the first due date %j', (firstDueDate) => {
    expectRefused(() => amortize(loan({ firstDueDate })), 'firstDueDate');
  });
});

describe('invalid inputs', () => {
  test.each([0, 361, -1, 12.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a term of %p months', (termMonths) => {
    expectRefused(() => amortize(loan({ termMonths })), 'termMonths');
    expectRefused(() => levelPayment(1_000n, '5', termMonths), 'termMonths');
  });

  test.each([0n, -1n, -100_000n])('refuses a principal of %p', (principal) => {
    expectRefused(() => amortize(loan({ principal })), 'principal');
    expectRefused(() => levelPayment(principal, '5', 12), 'principal');
  });

  test('refuses an unknown repayment method', () => {
    expectRefused(() => amortize(loan({ method: 'BALLOON' as unknown as RepaymentMethod })), 'method');
  });

  test('accepts the bounds: 1 and 360 months, 1 minor unit, 0 % and 100 %', () => {
    expect(amortize(loan({ termMonths: 1 }))).toHaveLength(1);
    expect(amortize(loan({ termMonths: 360 }))).toHaveLength(360);
    expect(amortize(loan({ principal: 1n }))[11]?.remaining).toBe(0n);
    expect(amortize(loan({ annualRate: '0' }))).toHaveLength(12);
    expect(amortize(loan({ annualRate: { ppm: 1_000_000n } }))).toHaveLength(12);
  });
});

test('totals add up any part of a schedule', () => {
  const schedule = amortize(loan({ principal: 500_000n, annualRate: '9.99', termMonths: 24 }));
  const first = totals(schedule.slice(0, 10));
  const rest = totals(schedule.slice(10));
  const all = totals(schedule);
  expect(first.totalPayment + rest.totalPayment).toBe(all.totalPayment);
  expect(first.totalInterest + rest.totalInterest).toBe(all.totalInterest);
  expect(first.totalPrincipal + rest.totalPrincipal).toBe(500_000n);
  expect(totals([])).toEqual({ totalPayment: 0n, totalInterest: 0n, totalPrincipal: 0n });
});
