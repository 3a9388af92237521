/**
 * The loan calculator (`loanQuote`) through the router: open to anyone, its
 * inputs checked, and its schedules adding up to the cent for both
 * repayment methods.
 */
import { problemOf } from './support/lending.ts';
import { signUp, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;
let customer: SignedUp;

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  customer = await signUp(url, 'cyril', 'CUSTOMER');
}, 60_000);

afterAll(async () => {
  await bank?.close();
});

const QUOTE = `query($amount: Decimal!, $annualRate: Decimal!, $termMonths: Int!, $method: RepaymentMethod) {
  loanQuote(amount: $amount, annualRate: $annualRate, termMonths: $termMonths, method: $method) {
    amount { amount currency } annualRate termMonths method
    installments {
      number dueDate payment { amount } principal { amount } interest { amount } remainingPrincipal { amount }
      paid { amount } isPaid
    }
    totalPayment { amount currency } totalInterest { amount currency }
  }
}`;

interface Installment {
  number: number;
  dueDate: string;
  payment: { amount: string };
  principal: { amount: string };
  interest: { amount: string };
  remainingPrincipal: { amount: string };
  paid: { amount: string };
  isPaid: boolean;
}
interface Quote {
  amount: { amount: string; currency: string };
  annualRate: string;
  termMonths: number;
  method: string;
  installments: Installment[];
  totalPayment: { amount: string; currency: string };
  totalInterest: { amount: string; currency: string };
}

interface QuoteArgs {
  amount: string;
  annualRate: string;
  termMonths: number;
  method?: string;
}

async function quote(args: QuoteArgs, token?: string): Promise<Quote> {
  const result = await postGraphQL(url, QUOTE, { ...args }, token);
  expect(result.errors).toBeUndefined();
  return result.data!.loanQuote as Quote;
}

/** "1234.56" → 123456n. */
const cents = (amount: string): bigint => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
};
const sum = (values: string[]): bigint => values.reduce((total, v) => total + cents(v), 0n);

/** What every schedule must satisfy, whatever the method. */
function expectConsistent(q: Quote, args: QuoteArgs): void {
  const { installments } = q;
  expect(installments).toHaveLength(args.termMonths);
  expect(installments.map((i) => i.number)).toEqual(installments.map((_, i) => i + 1));
  // The principals repay exactly the amount; the totals are the sums.
  expect(sum(installments.map((i) => i.principal.amount))).toBe(cents(args.amount));
  expect(sum(installments.map((i) => i.interest.amount))).toBe(cents(q.totalInterest.amount));
  expect(sum(installments.map((i) => i.payment.amount))).toBe(cents(q.totalPayment.amount));
  expect(cents(q.totalPayment.amount)).toBe(cents(args.amount) + cents(q.totalInterest.amount));
  let remaining = cents(args.amount);
  for (const i of installments) {
    expect(cents(i.payment.amount)).toBe(cents(i.principal.amount) + cents(i.interest.amount));
    expect(cents(i.principal.amount)).toBeGreaterThanOrEqual(0n);
    expect(cents(i.interest.amount)).toBeGreaterThanOrEqual(0n);
    remaining -= cents(i.principal.amount);
    expect(cents(i.remainingPrincipal.amount)).toBe(remaining);
    expect(i).toMatchObject({ paid: { amount: '0.00' }, isPaid: false });
  }
  expect(installments.at(-1)!.remainingPrincipal.amount).toBe('0.00');
  // Monthly due dates, strictly increasing, the first about a month from today.
  const dates = installments.map((i) => Date.parse(`${i.dueDate}T00:00:00Z`));
  for (let k = 1; k < dates.length; k += 1) expect(dates[k]!).toBeGreaterThan(dates[k - 1]!);
  const days = (dates[0]! - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(26);
  expect(days).toBeLessThan(33);
  expect(q.amount).toEqual({ amount: args.amount, currency: 'USD' });
  expect(q.totalPayment.currency).toBe('USD');
  expect(q.termMonths).toBe(args.termMonths);
}

describe('loanQuote', () => {
  const base = { amount: '50000.00', annualRate: '7.5', termMonths: 24 };

  test('works without signing in, and the same for a signed-in user', async () => {
    const anonymous = await quote(base);
    expect(anonymous.method).toBe('ANNUITY');
    expect(anonymous.annualRate).toBe('7.5');
    // 50,000 at 7.5 % over 24 months: 2,249.98 a month; the first month's interest is 312.50.
    expect(anonymous.installments[0]).toMatchObject({
      number: 1,
      payment: { amount: '2249.98' },
      principal: { amount: '1937.48' },
      interest: { amount: '312.50' },
    });
    expectConsistent(anonymous, base);
    expect(await quote(base, customer.token)).toEqual(anonymous);
  });

  test('ANNUITY: level payments (the last one may differ by rounding)', async () => {
    const q = await quote({ ...base, method: 'ANNUITY' });
    expectConsistent(q, base);
    const payments = new Set(q.installments.slice(0, -1).map((i) => i.payment.amount));
    expect(payments).toEqual(new Set(['2249.98']));
    const last = cents(q.installments.at(-1)!.payment.amount);
    expect(last - 224998n).toBeGreaterThanOrEqual(-100n);
    expect(last - 224998n).toBeLessThanOrEqual(100n);
  });

  test('EQUAL_PRINCIPAL differs from ANNUITY: the same principal each month, falling payments, less interest', async () => {
    const annuity = await quote({ ...base, method: 'ANNUITY' });
    const equal = await quote({ ...base, method: 'EQUAL_PRINCIPAL' });
    expect(equal.method).toBe('EQUAL_PRINCIPAL');
    expectConsistent(equal, base);
    expect(equal.installments).not.toEqual(annuity.installments);
    // 50,000 / 24 = 2,083.33 a month; the 8 cents left over land somewhere, so that the sum is exactly 50,000.
    const principals = equal.installments.map((i) => cents(i.principal.amount));
    for (const p of principals) {
      expect(p).toBeGreaterThanOrEqual(208333n);
      expect(p).toBeLessThanOrEqual(208341n);
    }
    const payments = equal.installments.map((i) => cents(i.payment.amount));
    for (let k = 1; k < payments.length - 1; k += 1) expect(payments[k]!).toBeLessThan(payments[k - 1]!);
    expect(equal.installments[0]!.interest.amount).toBe('312.50');
    expect(cents(equal.totalInterest.amount)).toBeLessThan(cents(annuity.totalInterest.amount));
  });

  test.each([
    ['a zero rate', { amount: '1000.00', annualRate: '0', termMonths: 3 }],
    ['a one-month term', { amount: '1000.00', annualRate: '12', termMonths: 1 }],
    ['an amount that does not divide evenly', { amount: '100.00', annualRate: '5.5', termMonths: 7 }],
    ['a cent over the longest term', { amount: '0.01', annualRate: '3', termMonths: 360 }],
    ['the largest amount, rate and term', { amount: '9999999999999.99', annualRate: '100', termMonths: 360 }],
    ['a rate with 4 decimals', { amount: '250000.00', annualRate: '6.1234', termMonths: 120 }],
  ])('%s adds up to the cent with both methods', async (_what, args) => {
    for (const method of ['ANNUITY', 'EQUAL_PRINCIPAL']) {
      const q = await quote({ ...args, method });
      expectConsistent(q, args);
      if (args.annualRate === '0') expect(q.totalInterest.amount).toBe('0.00');
    }
  });

  test.each([
    ['amount', { amount: '0' }],
    ['amount', { amount: '0.00' }],
    ['amount', { amount: '-100.00' }],
    ['amount', { amount: '100.001' }],
    ['amount', { amount: '10000000000000.01' }],
    ['annualRate', { annualRate: '100.0001' }],
    ['annualRate', { annualRate: '-0.5' }],
    ['annualRate', { annualRate: '7.12345' }],
    ['annualRate', { annualRate: '250' }],
    ['termMonths', { termMonths: 0 }],
    ['termMonths', { termMonths: -12 }],
    ['termMonths', { termMonths: 361 }],
  ])('a bad %s is BAD_USER_INPUT naming it (%j)', async (field, change) => {
    const result = await postGraphQL(url, QUOTE, { ...base, ...change });
    expect(problemOf(result)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(result.data?.loanQuote ?? null).toBeNull();
  });

  test('malformed values are refused before the calculator: BAD_USER_INPUT', async () => {
    for (const change of [{ amount: '1e5' }, { annualRate: '7,5' }, { termMonths: 12.5 }, { method: 'BALLOON' }]) {
      const result = await postGraphQL(url, QUOTE, { ...base, ...change });
      expect(problemOf(result).code).toBe('BAD_USER_INPUT');
      expect(result.data?.loanQuote ?? null).toBeNull();
    }
  });
});
