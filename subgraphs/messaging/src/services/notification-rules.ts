/**
 * Which domain events of the bank make which notifications, and their text.
 * Payloads are checked with zod: an event whose payload does not have the
 * expected shape makes nothing (and is logged by the consumer), since it
 * would never get better by being retried.
 *
 * Text is plain and never repeats what would be sensitive on a lock screen
 * or in an email (no message contents).
 */
import { z } from 'zod';
import type { DomainEvent } from '../../../../platform/event-bus.ts';
import type { NotificationKind } from '../entities/index.ts';

/** A notification to create for one user. */
export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
}

/** Event types the consumer handles. `messaging.message.sent` needs the database (see the consumer). */
export const EVENT_TYPES = {
  transactionPosted: 'banking.transaction.posted',
  balanceLow: 'banking.balance.low',
  loanStatusChanged: 'lending.application.status_changed',
  messageSent: 'messaging.message.sent',
  billDue: 'billing.bill.due',
  billPaid: 'billing.bill.paid',
  billPaymentFailed: 'billing.payment.failed',
} as const;

export const HANDLED_EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(EVENT_TYPES));

const amount = z.string().regex(/^-?\d+(\.\d+)?$/);
const currency = z.string().regex(/^[A-Z]{3}$/);
/** `text` cut to at most `max` characters (whole code points), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : text;
}

/** A short free text from another subgraph, cut to a length that fits a sentence. */
const label = (max: number) => z.string().transform((s) => truncate(s, max));

const transactionPosted = z.object({
  transactionId: z.uuid(),
  kind: z.string(),
  amount,
  currency,
  fromOwnerId: z.uuid().nullable(),
  toOwnerId: z.uuid().nullable(),
});

const balanceLow = z.object({
  accountId: z.uuid(),
  ownerId: z.uuid().nullable(),
  currency,
  balance: amount,
  threshold: amount,
});

const loanStatusChanged = z.object({
  applicationId: z.uuid(),
  applicantId: z.uuid(),
  bankerId: z.uuid().optional(),
  status: z.string().regex(/^[A-Z][A-Z_]{0,59}$/),
});

/** How a loan application's status reads in a sentence ("Your loan application is now …"). */
const LOAN_STATUS_WORDS: Readonly<Record<string, string>> = {
  COMMERCIAL_REVIEW: 'in commercial review',
  RISK_REVIEW: 'in risk review',
  DISBURSED: 'paid out',
};

const bill = z.object({
  userId: z.uuid(),
  billId: z.uuid().nullish(),
  billerName: label(100).nullish(),
  amount: amount.nullish(),
  currency: currency.nullish(),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}/)
    .nullish(),
});

/** "UNDER_REVIEW" → "under review". */
const humanize = (status: string): string => status.toLowerCase().replace(/_/g, ' ');

/**
 * The notifications of an event of another subgraph; an empty list when it
 * makes none (a deposit, an account of the bank itself).
 * @throws z.ZodError when the payload does not have the expected shape.
 */
export function draftsFor(event: DomainEvent): NotificationDraft[] {
  switch (event.type) {
    case EVENT_TYPES.transactionPosted: {
      const p = transactionPosted.parse(event.payload);
      if (p.kind !== 'TRANSFER') return [];
      const link = `/transactions/${p.transactionId}`;
      const drafts: NotificationDraft[] = [];
      if (p.fromOwnerId !== null) {
        drafts.push({
          userId: p.fromOwnerId,
          kind: 'TRANSFER_SENT',
          title: 'Transfer sent',
          body: `Your transfer of ${p.amount} ${p.currency} was posted.`,
          link,
        });
      }
      if (p.toOwnerId !== null) {
        drafts.push({
          userId: p.toOwnerId,
          kind: 'TRANSFER_RECEIVED',
          title: 'Money received',
          body: `You received ${p.amount} ${p.currency} by transfer.`,
          link,
        });
      }
      return drafts;
    }
    case EVENT_TYPES.balanceLow: {
      const p = balanceLow.parse(event.payload);
      if (p.ownerId === null) return [];
      return [
        {
          userId: p.ownerId,
          kind: 'LOW_BALANCE',
          title: 'Low balance',
          body: `An account's balance is ${p.balance} ${p.currency}, below your alert of ${p.threshold} ${p.currency}.`,
          link: `/accounts/${p.accountId}`,
        },
      ];
    }
    case EVENT_TYPES.loanStatusChanged: {
      const p = loanStatusChanged.parse(event.payload);
      const link = `/loan-applications/${p.applicationId}`;
      if (p.status === 'SUBMITTED') {
        // A new application: its banker has work to do; the applicant knows they applied.
        return p.bankerId
          ? [
              {
                userId: p.bankerId,
                kind: 'LOAN_APPLICATION_STATUS',
                title: 'New loan application',
                body: 'A business owner applied to you for a loan.',
                link,
              },
            ]
          : [];
      }
      return [
        {
          userId: p.applicantId,
          kind: 'LOAN_APPLICATION_STATUS',
          title: 'Loan application update',
          body: `Your loan application is now ${LOAN_STATUS_WORDS[p.status] ?? humanize(p.status)}.`,
          link,
        },
      ];
    }
    case EVENT_TYPES.billDue:
    case EVENT_TYPES.billPaid: {
      const p = bill.parse(event.payload);
      const due = event.type === EVENT_TYPES.billDue;
      const from = p.billerName ? ` from ${p.billerName}` : '';
      const of = p.amount && p.currency ? ` of ${p.amount} ${p.currency}` : '';
      const when = due && p.dueDate ? ` on ${p.dueDate.slice(0, 10)}` : '';
      return [
        {
          userId: p.userId,
          kind: due ? 'BILL_DUE' : 'BILL_PAID',
          title: due ? 'Bill due' : 'Bill paid',
          body: `Your bill${from}${of} ${due ? `is due${when}` : 'was paid'}.`,
          link: p.billId ? `/bills/${p.billId}` : null,
        },
      ];
    }
    case EVENT_TYPES.billPaymentFailed: {
      const p = bill.extend({ reason: label(200).nullish() }).parse(event.payload);
      const to = p.billerName ? ` to ${p.billerName}` : '';
      const of = p.amount && p.currency ? ` of ${p.amount} ${p.currency}` : '';
      return [
        {
          userId: p.userId,
          kind: 'BILL_PAYMENT_FAILED',
          title: 'Bill payment failed',
          body: `Your payment${of}${to} failed${p.reason ? `: ${p.reason}` : '.'}`,
          link: p.billId ? `/bills/${p.billId}` : null,
        },
      ];
    }
    default:
      return [];
  }
}

/** Payload of `messaging.message.sent` (written by this subgraph). */
export const messageSentPayload = z.object({
  messageId: z.uuid(),
  conversationId: z.uuid(),
  senderId: z.uuid(),
});

/** The NEW_MESSAGE notification of one recipient. No message text: it may travel by email or SMS. */
export function newMessageDraft(userId: string, conversationId: string, subject: string): NotificationDraft {
  const shown = truncate(subject, 80);
  return {
    userId,
    kind: 'NEW_MESSAGE',
    title: 'New message',
    body: `You have a new message in "${shown}".`,
    link: `/conversations/${conversationId}`,
  };
}
