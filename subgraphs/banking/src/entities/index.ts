import { OutboxEventSchema } from '../../../../platform/outbox.ts';
import { SecurityChangeSchema } from '../../../../platform/step-up.ts';
import { AccountSchema } from './account.ts';
import { AccountViewGrantSchema } from './account-view-grant.ts';
import { IdempotencyRecordSchema } from './idempotency-record.ts';
import { LedgerEntrySchema } from './ledger-entry.ts';
import { LedgerTransactionSchema } from './ledger-transaction.ts';

export * from './account.ts';
export * from './account-view-grant.ts';
export * from './idempotency-record.ts';
export * from './ledger-entry.ts';
export * from './ledger-transaction.ts';

/** Every entity of the banking database. */
export const entities = [
  AccountSchema,
  LedgerTransactionSchema,
  LedgerEntrySchema,
  IdempotencyRecordSchema,
  AccountViewGrantSchema,
  OutboxEventSchema,
  SecurityChangeSchema,
];
