/** What resolvers work on (codegen mappers). */
export type { Bill, Biller, BillPayment, ScheduledPayment } from './entities/index.ts';

/** Billing knows users, accounts and transactions only by id. */
export interface Ref {
  id: string;
}
