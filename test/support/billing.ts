/**
 * Billing through the router, for end-to-end tests: billers, bills, payments
 * and schedules, and direct SQL on billing's database.
 */
import { postGraphQL, type TestStack } from './stack.ts';
import { must, whileUnknown, type SignedUp } from './people.ts';

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

// ---------------------------------------------------------------------------
// Rules and access tests (billing-billers, -bills, -payments, -schedules,
// -access): the jobs run by hand with an explicit day, row counts to prove a
// refusal wrote nothing, refusals, ADMIN-issued bills and notifications.
// ---------------------------------------------------------------------------

import { createBankingClient } from '../../platform/banking-client.ts';
import { createLogger } from '../../platform/logger.ts';
import type { PaymentDeps } from '../../subgraphs/billing/src/services/payments.ts';
import type { JsonResponse } from './stack.ts';

/** The deps of billing's jobs (`runDueSchedules`, `markOverdue`, `sendDueNotices`) on a test stack. */
export function billingJobDeps(bank: TestStack): PaymentDeps {
  return {
    em: bank.stack.subgraphs.billing!.orm.em,
    banking: createBankingClient({
      url: bank.stack.subgraphs.banking!.url,
      service: 'billing',
      privateKey: bank.config.keys.serviceSigningPrivateKey!,
    }),
    logger: createLogger({ logLevel: 'silent' }, 'test'),
  };
}

/** Rows of billing's tables and of banking's transactions: a refusal must leave them all as they were. */
export interface BillingRowCounts {
  bills: number;
  billPayments: number;
  scheduledPayments: number;
  outboxEvents: number;
  billers: number;
  bankingTransactions: number;
}

export async function billingRowCounts(bank: TestStack): Promise<BillingRowCounts> {
  const [billing] = await billingSql<Record<string, string>>(
    bank,
    `select (select count(*) from bills)::int as bills,
            (select count(*) from bill_payments)::int as bill_payments,
            (select count(*) from scheduled_payments)::int as scheduled_payments,
            (select count(*) from outbox_events)::int as outbox_events,
            (select count(*) from billers)::int as billers`,
  );
  const [banking] = await bankingSql<Record<string, string>>(bank, `select count(*)::int as n from transactions`);
  return {
    bills: Number(billing!.bills),
    billPayments: Number(billing!.bill_payments),
    scheduledPayments: Number(billing!.scheduled_payments),
    outboxEvents: Number(billing!.outbox_events),
    billers: Number(billing!.billers),
    bankingTransactions: Number(banking!.n),
  };
}

/** The code and `field` of the first error of a response. */
export function refusalOf(result: JsonResponse): { code: unknown; field: unknown } {
  const error = result.errors?.[0];
  return { code: error?.extensions?.code, field: error?.extensions?.field };
}

export const ISSUE_BILL = `mutation($input: IssueBillInput!) {
  issueBill(input: $input) { id status owner { id } amount { amount currency } dueDate }
}`;

/** An ADMIN issues a bill to `userId` (once billing knows the user) and returns its id. */
export async function issueBill(
  url: string,
  admin: SignedUp,
  input: { userId: string; billerId: string; amount?: string; dueDate?: string; customerReference?: string },
): Promise<string> {
  const variables = {
    input: { customerReference: 'ISSUED-0001', amount: '75.00', dueDate: dayFromToday(10), ...input },
  };
  const result = await whileUnknown(() => postGraphQL(url, ISSUE_BILL, variables, admin.token), ['userId']);
  const issued = result.data?.issueBill as { id: string } | undefined;
  if (result.errors?.length || !issued) throw new Error(`issueBill failed: ${JSON.stringify(result.errors)}`);
  return issued.id;
}

/** Pays a bill that must be paid (COMPLETED) and returns the payment id. */
export async function payBill(
  url: string,
  user: SignedUp,
  input: { billId: string; fromAccountId: string; amount: string; idempotencyKey?: string },
): Promise<{ id: string; status: string }> {
  const { payBill } = await must<{ payBill: { id: string; status: string } }>(
    url,
    PAY_BILL,
    { input: { idempotencyKey: `pay-${input.billId}-${Math.random()}`, ...input } },
    user.token,
  );
  return payBill;
}

/** Schedules a payment that must be accepted and returns its id. */
export async function schedulePayment(
  url: string,
  user: SignedUp,
  input: { billId: string; fromAccountId: string; payOn: string },
): Promise<string> {
  const { schedulePayment } = await must<{ schedulePayment: { id: string } }>(url, SCHEDULE, { input }, user.token);
  return schedulePayment.id;
}

/** A bill as its owner reads it. */
export interface BillView {
  id: string;
  status: string;
  paid: { amount: string };
  remaining: { amount: string };
  dueDate: string;
}

export async function billOf(url: string, user: SignedUp, id: string): Promise<BillView> {
  const { bill } = await must<{ bill: BillView }>(
    url,
    `query($id: ID!) { bill(id: $id) { id status paid { amount } remaining { amount } dueDate } }`,
    { id },
    user.token,
  );
  return bill;
}

/** A user's notifications (newest first): kind and link. */
export async function notificationsOf(
  url: string,
  user: SignedUp,
): Promise<{ kind: string; link: string | null; body: string }[]> {
  const { me } = await must<{
    me: { notifications: { edges: { node: { kind: string; link: string | null; body: string } }[] } };
  }>(url, `query { me { notifications(first: 100) { edges { node { kind link body } } } } }`, {}, user.token);
  return me.notifications.edges.map((e) => e.node);
}

/** Billing's outbox events of a type about a bill. */
export async function billEvents(
  bank: TestStack,
  type: string,
  billId: string,
): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  return billingSql<{ type: string; payload: Record<string, unknown> }>(
    bank,
    `select type, payload from outbox_events where type = ? and payload->>'billId' = ? order by position`,
    [type, billId],
  );
}
