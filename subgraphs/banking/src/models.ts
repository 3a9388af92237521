/** What resolvers of types without an entity of their own work on (codegen mappers). */
import type { Currency } from '../../../platform/money.ts';
import type { SpendingData, StatementLine } from './services/history.ts';

export type { StatementData, TransactionView, SpendingData } from './services/history.ts';
export type { Account } from './entities/index.ts';

/** Banking knows a user only by id. */
export interface UserRef {
  id: string;
}

export type StatementLineModel = StatementLine & { currency: Currency };
export type CategorySpendingModel = SpendingData['byCategory'][number];
export type MonthlySpendingModel = SpendingData['byMonth'][number];
