/**
 * Billing through the router, for end-to-end tests: billers, bills, payments
 * and schedules, and direct SQL on billing's database.
 */
import type { TestStack } from './stack.ts';
import { must, type SignedUp } from './people.ts';

export const BILLERS = `query($category: BillerCategory) { billers(category: $category) { id name category currency active } }`;
export const ADD_BILL = `mutation($input: AddBillInput!) {
  addBill(input: $input) { id status amount { amount currency } remaining { amount } dueDate biller { name } }
}`;
export const PAY_BILL = `mutation($input: PayBillInput!) {
  payBill(input: $input) { id status amount { amount } failureCode failureReason transaction { id } bill { id status remaining { amount } } }
}`;
export const SCHEDULE = `mutation($input: SchedulePaymentInput!) {
  schedulePayment(input: $input) { id status payOn bill { id status } }
}`;

/** The first biller of a category (the starting list has at least one of each). */
export async function billerOf(
  url: string,
  user: SignedUp,
  category = 'UTILITIES',
): Promise<{ id: string; name: string }> {
  const { billers } = await must<{ billers: { id: string; name: string }[] }>(url, BILLERS, { category }, user.token);
  const biller = billers[0];
  if (!biller) throw new Error(`no ${category} biller`);
  return biller;
}

/** `YYYY-MM-DD`, `days` from today (UTC). */
export function dayFromToday(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Adds a bill for `user` and returns its id. */
export async function addBill(
  url: string,
  user: SignedUp,
  input: { billerId: string; amount?: string; dueDate?: string; customerReference?: string },
): Promise<string> {
  const { addBill } = await must<{ addBill: { id: string } }>(
    url,
    ADD_BILL,
    {
      input: {
        customerReference: 'ACCT-0042',
        amount: '120.00',
        dueDate: dayFromToday(10),
        ...input,
      },
    },
    user.token,
  );
  return addBill.id;
}

/** Raw SQL on billing's database. */
export async function billingSql<R = Record<string, unknown>>(
  bank: TestStack,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  return bank.stack.subgraphs.billing!.orm.em.getConnection().execute<R[]>(text, params);
}

/** Raw SQL on banking's database. */
export async function bankingSql<R = Record<string, unknown>>(
  bank: TestStack,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  return bank.stack.subgraphs.banking!.orm.em.getConnection().execute<R[]>(text, params);
}
